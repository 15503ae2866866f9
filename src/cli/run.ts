import { startPop3Mock } from '../assembly/start-pop3-mock';
import { CaFileError, removeCaFile, writeCaFile } from '../config/ca-file';
import { errorCode, errorPlace } from '../error-code';
import { ExitCode } from '../exit-codes';
import { valueAtPath } from '../schema/check';
import type { Pop3Mock } from '../server/pop3-mock';
import { uiLink } from '../ui/link';
import type { StartPlan } from './build-options';
import { curlExample } from './curl-example';
import { CliError } from './errors';
import type { EarlyStop } from './listen-early';
import { watchParent, watchStdin } from './parent-watch';

/** Where the CLI writes: stdout carries only the ready line, stderr everything else. */
export interface CliIo {
  /** Writes one line to stdout. */
  out(line: string): void;
  /** Writes one log line to stderr. */
  err(line: string): void;
}

/** The line a parent process waits for; `null` marks a feature that is off. */
export interface ReadyLine {
  host: string;
  port: number;
  tlsPort: number | null;
  controlUrl: string | null;
  /** The control API's bearer token: the parent process needs it (set POP3_MOCK_TOKEN to choose it). */
  controlToken: string | null;
  smtpPort: number | null;
  /** The SMTP intake's implicit-TLS (SMTPS) port. */
  smtpTlsPort: number | null;
  /** The CA certificate (PEM file) that signed the server's certificate, for STLS and POP3S clients. */
  caFile: string | null;
  /** The browser view's login link (it carries the token); null without the control server. */
  uiUrl: string | null;
}

/** SIGHUP too: the terminal the CLI ran in closed; by default it would end the process and leave the CA file behind. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Why the CLI stops, for its last log lines. */
type StopReason = NodeJS.Signals | 'parent process gone' | 'standard input closed';

/**
 * Starts the server, prints the ready line, logs sessions to stderr and
 * resolves with exit code 0 once it has closed: on SIGINT/SIGTERM/SIGHUP, when the
 * parent process is gone (unless `outliveParent`), or when standard input
 * closes (with `exitOnStdinClose`). A stop that arrives while the server is
 * starting stops it as soon as it listens, with no ready line; so does one
 * `early` caught before this listened (while the CLI's modules loaded).
 *
 * @throws CliError when the server cannot start (port in use: 3, bad fixture: 4).
 */
export async function run(plan: StartPlan, io: CliIo, early?: EarlyStop): Promise<number> {
  let stop: StopReason | undefined;
  let onStop: (reason: StopReason) => void = () => {};
  const stopRequested = new Promise<StopReason>((resolve) => {
    onStop = (reason) => {
      stop ??= reason;
      resolve(reason);
    };
  });
  for (const signal of STOP_SIGNALS) process.on(signal, onStop);
  // A stop asked for before these listeners were there (the CLI's modules loading) is this one's.
  const caughtEarly = early?.take();
  if (caughtEarly !== undefined) onStop(caughtEarly);
  // One that came while the start ran without a turn of the event loop is still waiting in it:
  // heard now, it stops the server before it serves, with no ready line.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const unwatch = [
    plan.outliveParent ? () => {} : watchParent(() => onStop('parent process gone')),
    plan.exitOnStdinClose ? watchStdin(() => onStop('standard input closed')) : () => {},
  ];
  try {
    const pop3 = await start(plan);
    // Asked to stop while starting: no ready line, which would send a harness to a server that is closing.
    if (stop !== undefined) return await closeFor(stop, pop3, undefined, io);
    const ready: ReadyLine = {
      host: pop3.host,
      port: pop3.port,
      tlsPort: pop3.tlsPort ?? null,
      controlUrl: pop3.controlUrl ?? null,
      controlToken: pop3.controlToken ?? null,
      smtpPort: pop3.smtpPort ?? null,
      smtpTlsPort: pop3.smtpTlsPort ?? null,
      caFile: (await caFileOf(pop3)) ?? null,
      uiUrl: uiLink(pop3) ?? null,
    };
    io.out(JSON.stringify(ready));
    logStartup(pop3, plan, io);
    const stopLogging = logSessions(pop3, io);
    const reason = await stopRequested;
    stopLogging();
    return await closeFor(reason, pop3, ready.caFile ?? undefined, io);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onStop);
    for (const unwatchOne of unwatch) unwatchOne();
  }
}

/** Closes the server for `reason`, saying so, and removes the CA file the ready line named. */
async function closeFor(
  reason: StopReason,
  pop3: Pop3Mock,
  caFile: string | undefined,
  io: CliIo,
): Promise<number> {
  io.err(`pop3-mock: ${reason.startsWith('SIG') ? `${reason} received` : reason}, closing`);
  await pop3.close();
  removeCaFile(caFile);
  io.err('pop3-mock: closed');
  return ExitCode.ok;
}

/** The CA file for the ready line; one that cannot be written closes the server (no ready line) and says why. */
async function caFileOf(pop3: Pop3Mock): Promise<string | undefined> {
  try {
    return writeCaFile(pop3, 'cli');
  } catch (error) {
    await pop3.close();
    if (error instanceof CaFileError) throw new CliError(error.message, ExitCode.unexpected);
    throw error;
  }
}

async function start(plan: StartPlan): Promise<Pop3Mock> {
  const { host = '127.0.0.1' } = plan.options;
  try {
    return await startPop3Mock(plan.options);
  } catch (error) {
    const code = errorCode(error);
    // The port of the listener that failed (POP3, POP3S, SMTP, SMTPS or the control API), as Node names it.
    const { port, address = host } = errorPlace(error);
    const where = `${port === undefined ? 'a port' : `port ${port}`} on ${address}`;
    if (code === 'EADDRINUSE') {
      const place = port === undefined ? undefined : placeOfPort(port, plan);
      const hint = place === undefined ? '' : ` (${place}): choose another, or 0 for any free port`;
      throw new CliError(`${where} is in use${hint}`, ExitCode.portInUse);
    }
    if (code === 'EACCES') throw new CliError(`no permission to listen on ${where}`, ExitCode.unexpected);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new CliError(`cannot listen on ${host}: no such local address`, ExitCode.unexpected);
    }
    throw error;
  }
}

/** The listeners' ports by option path, for where each was written. */
const PORT_OPTIONS = ['port', 'tlsPort', 'control.port', 'smtp.port', 'smtp.tlsPort'];

/** Where the listener asked for `port` was written (`--tls-port`, `config pop3.json: tlsPort`), when one was. */
function placeOfPort(port: number, plan: StartPlan): string | undefined {
  const path = PORT_OPTIONS.find((p) => Number(valueAtPath(plan.options, p)) === port);
  return path === undefined ? undefined : plan.writtenAt?.(path);
}

function logStartup(pop3: Pop3Mock, plan: StartPlan, io: CliIo): void {
  io.err(`pop3-mock: listening on ${pop3.url} (dialect ${plan.dialectName})`);
  // The other listeners too: a reader of the log alone would not know of them (they are in the JSON line).
  const also = [
    pop3.tlsPort === undefined ? undefined : `POP3S (implicit TLS) on port ${pop3.tlsPort}`,
    pop3.smtpPort === undefined ? undefined : `SMTP on port ${pop3.smtpPort}`,
    pop3.smtpTlsPort === undefined ? undefined : `SMTPS on port ${pop3.smtpTlsPort}`,
    pop3.controlUrl === undefined ? undefined : `the control API at ${pop3.controlUrl}`,
  ].filter((listener) => listener !== undefined);
  if (also.length > 0) io.err(`pop3-mock: also listening: ${also.join(', ')}`);
  const preferred = Number(plan.options.port ?? 0);
  if (preferred !== 0 && pop3.port !== preferred) {
    // Only a config's portFallback: true gets here; a script reading the configured port would miss the server.
    io.err(`pop3-mock: port ${preferred} was in use: listening on ${pop3.port} instead (portFallback)`);
  }
  if (plan.users.length === 0) {
    io.err('pop3-mock: no users yet: every login fails. Add --user NAME:PASSWORD[:PATH] or --config FILE');
  }
  for (const user of plan.users) {
    const messages = pop3.mailbox(user.name).messages();
    const octets = messages.reduce((sum, m) => sum + m.size, 0);
    io.err(
      `pop3-mock: user ${user.name}: ${messages.length} messages (${octets} octets), password: ${user.passwordSource}`,
    );
  }
  // A command that pastes as is: with a demo password it lists the messages,
  // else curl asks for the password (never printed: logs end up in CI output).
  io.err(`pop3-mock: try (lists the messages; add a message number to the URL to fetch one):`);
  io.err(curlExample(pop3.url, plan.users[0]));
  const keep = pop3.keepSessions;
  io.err(
    keep === 'all'
      ? 'pop3-mock: keeping the transcript of every session (memory grows with each; --keep-sessions N bounds it)'
      : `pop3-mock: keeping the transcripts of the newest ${keep} ended sessions (--keep-sessions N|all)`,
  );
  const ui = uiLink(pop3);
  if (ui) io.err(`pop3-mock: browser view: ${ui}`);
  io.err('pop3-mock: stop with Ctrl-C or SIGTERM');
}

/**
 * One stderr line per login result and per session end, no command arguments,
 * so no secrets; an internal error with its stack, since it is a bug to report.
 */
function logSessions(pop3: Pop3Mock, io: CliIo): () => void {
  const offAuth = pop3.on('auth', (event) => {
    const outcome = { ok: 'logged in', failed: 'login failed', 'in-use': 'maildrop in use' }[event.result];
    io.err(`pop3-mock: session ${event.sessionId}: ${event.user}: ${outcome}`);
  });
  const offEnd = pop3.on('session-end', (event) => {
    const record = pop3.sessionById(event.sessionId);
    const counts = record ? `, ${record.retrieved.length} retrieved, ${record.deleted.length} deleted` : '';
    io.err(`pop3-mock: session ${event.sessionId} ended (${event.reason}${counts})`);
  });
  const offError = pop3.on('internal-error', (event) => {
    io.err(`pop3-mock: session ${event.sessionId}: internal error: ${event.message}`);
    if (event.stack !== undefined) io.err(event.stack);
  });
  return () => {
    offAuth();
    offEnd();
    offError();
  };
}
