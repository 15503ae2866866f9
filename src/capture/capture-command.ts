import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorCode } from '../error-code';
import { ExitCode } from '../exit-codes';
import { fileReason } from '../json-file';
import { type CaptureFlags, captureFlags } from '../schema/capture-flags';
import { checkInput } from '../schema/check';
import { InputError } from '../schema/input-error';
import { describeParseError, givenMoreThanOnce } from '../schema/parse-args-error';
import { CapturedFileInvalid, captureDialect } from './capture-dialect';
import { ConnectFailed } from './line-client';
import { CaptureStopped } from './probe-session';

/** Where the subcommand writes: the file to stdout (without --out), progress to stderr. */
export interface CaptureIo {
  out(text: string): void;
  err(line: string): void;
}

export const CAPTURE_USAGE = `Usage: pop3-mock capture --host H --port P [--tls | --starttls] [--ca FILE] [--insecure]
                         --user U --password PW [--out FILE] [--name NAME] [--keep-host]
                         [--timeout-ms N]

Probes a real POP3 server with a fixed script (docs/DIALECTS.md, "Capture your own")
and writes a dialect file (JSON) to --out or stdout; replay it with --dialect FILE.
Nothing is deleted: every DELE is undone with RSET. No password, message content
or (without --keep-host) host name is written. Progress goes to stderr.
Exit codes: ${ExitCode.ok} written, ${ExitCode.usage} bad flags, ${ExitCode.badInput} --ca unreadable or --out unwritable, ${ExitCode.captureStopped} stopped (login refused,
mailbox looked changed), ${ExitCode.unreachable} server unreachable or TLS refused, ${ExitCode.unexpected} anything else
(a file that would fail the dialect-file schema included: it is not written).
`;

const OPTIONS = {
  host: { type: 'string', multiple: true },
  port: { type: 'string', multiple: true },
  tls: { type: 'boolean' },
  starttls: { type: 'boolean' },
  ca: { type: 'string', multiple: true },
  insecure: { type: 'boolean' },
  user: { type: 'string', multiple: true },
  password: { type: 'string', multiple: true },
  out: { type: 'string', multiple: true },
  name: { type: 'string', multiple: true },
  'keep-host': { type: 'boolean' },
  'timeout-ms': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `keepHost` is `--keep-host` on the command line. */
const flagOf = (path: string) => `--${path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Parses and checks the flags against the one schema; a refusal is one line naming each flag. */
function checkFlags(argv: readonly string[]): CaptureFlags | { help: true } | { problem: string } {
  const values: Record<string, string | boolean | undefined> = {};
  try {
    // Every value is collected, so that a flag given twice is refused rather than one value kept in silence.
    const parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
    for (const [flag, value] of Object.entries(parsed.values)) {
      if (!Array.isArray(value)) values[flag] = value;
      else if (value.length === 1) values[flag] = value[0];
      else return { problem: givenMoreThanOnce(flag, value) };
    }
  } catch (error) {
    return { problem: describeParseError(error) };
  }
  if (values.help) return { help: true };
  const { 'keep-host': keepHost, 'timeout-ms': timeoutMs, ...rest } = values;
  try {
    return checkInput(
      captureFlags,
      { ...rest, keepHost, timeoutMs },
      { source: 'pop3-mock capture', noun: 'flag' },
    );
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { problem: error.issues.map((i) => `${flagOf(i.path)}: ${i.message}`).join('; ') };
  }
}

/** `pop3-mock capture ...`: resolves with the exit code ({@link ExitCode}). */
export async function runCaptureCommand(
  argv: readonly string[],
  io: CaptureIo,
  cwd: string,
): Promise<number> {
  const flags = checkFlags(argv);
  if ('problem' in flags) {
    io.err(`pop3-mock capture: ${flags.problem}`);
    io.err('Run pop3-mock capture --help for usage.');
    return ExitCode.usage;
  }
  if (!('host' in flags)) {
    io.out(CAPTURE_USAGE);
    return ExitCode.ok;
  }
  let ca: Buffer | undefined;
  try {
    ca = flags.ca === undefined ? undefined : readFileSync(resolve(cwd, flags.ca));
  } catch (error) {
    const code = errorCode(error);
    io.err(
      `pop3-mock capture: cannot read --ca ${flags.ca}: ${code === 'ENOENT' ? 'not found' : String(error)}`,
    );
    return ExitCode.badInput;
  }
  // Checked before anything connects: a capture of minutes is not run to be lost at the end.
  const outProblem = flags.out === undefined ? undefined : unwritable(resolve(cwd, flags.out));
  if (outProblem !== undefined) {
    io.err(`pop3-mock capture: cannot write --out ${flags.out}: ${outProblem}`);
    return ExitCode.badInput;
  }
  const { host, port } = flags;
  try {
    io.err(
      `pop3-mock capture: probing ${host}:${port}${flags.tls ? ' (TLS)' : flags.starttls ? ' (STLS)' : ''}`,
    );
    const { file } = await captureDialect({
      host,
      port,
      tls: flags.tls ?? false,
      starttls: flags.starttls ?? false,
      tlsOptions: { ...(ca && { ca }), rejectUnauthorized: !flags.insecure },
      timeoutMs: flags.timeoutMs ?? 10_000,
      user: flags.user,
      password: flags.password,
      ...(flags.name !== undefined && { name: flags.name }),
      keepHost: flags.keepHost ?? false,
      log: io.err,
    });
    const json = `${JSON.stringify(file, null, 2)}\n`;
    if (flags.out === undefined) io.out(json);
    else writeFileSync(resolve(cwd, flags.out), json);
    io.err(`pop3-mock capture: done, extends ${file.extends}${flags.out ? `, written to ${flags.out}` : ''}`);
    for (const line of file.notLearned ?? []) io.err(`  not learned: ${line}`);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CaptureStopped) {
      io.err(`pop3-mock capture: stopped: ${error.message}`);
      return ExitCode.captureStopped;
    }
    if (error instanceof CapturedFileInvalid) {
      io.err(`pop3-mock capture: failed, no file written: ${error.message}`);
      return ExitCode.unexpected;
    }
    if (error instanceof ConnectFailed) {
      io.err(`pop3-mock capture: ${error.message}`);
      if (error.certificate)
        io.err("  give the server's CA certificate with --ca FILE, or skip the check with --insecure");
      return ExitCode.unreachable;
    }
    // Not one of the expected ways to stop: a bug or an odd server; the stack says where.
    io.err(
      `pop3-mock capture: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.unexpected;
  }
}

/** Why a file could not be written at `path` (undefined when it could): a folder there, or a folder that is missing or not writable. */
function unwritable(path: string): string | undefined {
  try {
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) return 'it is a folder';
      accessSync(path, constants.W_OK);
    } else accessSync(dirname(path), constants.W_OK);
    return undefined;
  } catch (error) {
    return existsSync(path) ? fileReason(error) : `its folder ${dirname(path)}: ${fileReason(error)}`;
  }
}
