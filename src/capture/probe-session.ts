import type { TextState } from '../dialects/dialect-file';
import { type Answer, type Endpoint, LineClient } from './line-client';

/** How long a PASS answer may take: longer than any login delay Dovecot's auth penalty imposes. */
export const LOGIN_TIMEOUT_MS = 20_000;

/** Commands whose +OK is always followed by lines and a `.` (RFC 1939 §7). */
const MULTI_LINE_OK = /^(RETR|TOP)( |$)/i;

/** One command and what came back, as the transcript keeps it (passwords masked). */
export interface Exchange {
  readonly state: TextState;
  readonly sent: string;
  /** The reply's lines (status line first), or `<closed>` / `<silent>` (after the lines of a multi-line reply cut short). */
  readonly reply: readonly string[];
}

/** Who logs in, and how sessions start. */
export interface Account {
  readonly user: string;
  readonly password: string;
  /** Send STLS before anything else in every session. */
  readonly starttls: boolean;
}

/** A status line's text after `+OK ` / `-ERR ` (empty for a bare status). */
export const textOf = (line: string) => line.replace(/^(\+OK|-ERR) ?/, '');
export const isOk = (a: Answer) => (a.kind === 'line' || a.kind === 'multi') && a.line.startsWith('+OK');
export const isErr = (a: Answer) => a.kind === 'line' && a.line.startsWith('-ERR');
export const lineOf = (a: Answer) => (a.kind === 'line' || a.kind === 'multi' ? a.line : undefined);

/** The capture gave up: the server did something the script cannot take as harmless. */
export class CaptureStopped extends Error {
  override readonly name = 'CaptureStopped';
}

/**
 * What to do about a refused login, by its response code (RFC 2449 §8,
 * RFC 3206). `loginDelay` is the LOGIN-DELAY the server advertised, if any.
 */
function loginRefusalAdvice(line: string, loginDelay: number | undefined): string {
  const code = /^-ERR \[([A-Z0-9/-]+)\]/.exec(line)?.[1];
  const delay = loginDelay === undefined ? 'its LOGIN-DELAY' : `LOGIN-DELAY ${loginDelay} s`;
  switch (code) {
    case 'IN-USE':
      return 'another session holds the mailbox (a mail client polling it, or a capture interrupted a moment ago): stop it, wait for the server to release the lock, and run the capture again';
    case 'LOGIN-DELAY':
      return `the server refuses a login within ${delay} of the last one, and the script logs in about 30 times: capture a test account or server without the delay`;
    case 'SYS/TEMP':
      return 'a temporary server problem: run the capture again later';
    case 'SYS/PERM':
      return 'the server refuses this account for now: ask its administrator';
    default:
      return loginDelay !== undefined && loginDelay > 0
        ? `the server advertises LOGIN-DELAY ${loginDelay}: it may refuse logins that come sooner; capture a test account or server without the delay`
        : 'check --user and --password';
  }
}

/**
 * Runs probe commands in a session of the state they need, opening (and
 * logging in) again whenever the server closed it. After each `-ERR` it
 * sends a command that succeeds (CAPA before login, NOOP after), so a
 * server counting consecutive bad commands never reaches its limit in the
 * middle of the script; a sentinel that fails means the session is spent.
 */
export class ProbeSessions {
  readonly transcript: Exchange[] = [];
  private client: LineClient | undefined;
  private clientState: TextState | undefined;
  greeting = '';
  /** The address the server sees this side as, for `{remoteAddress}`. */
  localAddress = '';
  /** With STLS: CAPA before it, from the first session, and the first STLS answer. */
  beforeStls: { readonly capa: Answer; stls?: Answer } | undefined;
  /** The LOGIN-DELAY the server advertised, for the advice when a login is refused. */
  loginDelay: number | undefined;
  /** Logins that succeeded so far. */
  private logins = 0;
  /** The last answer was a SASL challenge: the next line is a response (it may be answered late). */
  private challenged = false;
  private readonly secrets: string[] = [];

  constructor(
    private readonly endpoint: Endpoint,
    private readonly account: Account,
    readonly log: (line: string) => void,
  ) {}

  /** The session open now, if any: a probe that needs the one before it (after DELE) checks it is still there. */
  get current(): LineClient | undefined {
    return this.client;
  }

  /** A fresh session in `state` (the current one is dropped without QUIT). */
  async fresh(state: TextState): Promise<LineClient> {
    this.drop();
    return this.session(state);
  }

  /** Sends one probe in a session of `state`; resets the bad-command count after an `-ERR`. */
  async probe(state: TextState, line: string, multi = false): Promise<Answer> {
    const client = await this.session(state);
    const answer = await this.exchange(client, state, line, multi);
    if (answer.kind === 'closed' || answer.kind === 'silent') this.drop();
    else if (isErr(answer)) await this.sentinel(state);
    return answer;
  }

  /** Sends a line in the current session of `state` and records it, nothing more. */
  async exchange(
    client: LineClient,
    state: TextState,
    line: string,
    multi = false,
    raw = false,
  ): Promise<Answer> {
    // A login answer may come late: servers delay it after failures (Dovecot: up to 15 s).
    const logsIn = /^(PASS|APOP|AUTH)\b/i.test(line) || this.challenged;
    const timeout = logsIn ? Math.max(this.endpoint.timeoutMs, LOGIN_TIMEOUT_MS) : this.endpoint.timeoutMs;
    // RETR and TOP answer +OK with the message's lines whatever the probe expected (`TOP 1 lots` to a
    // server that reads the count as C's atoi() does): read them, or they become the next commands' replies.
    const lines = multi || MULTI_LINE_OK.test(line);
    const answer = raw ? await client.sendRaw(line, lines) : await client.send(line, lines, timeout);
    this.challenged = answer.kind === 'line' && /^\+( |$)/.test(answer.line);
    this.record(state, this.shown(line), answer);
    return answer;
  }

  /** Never shows `secret` in the transcript or the log (a PLAIN message, an APOP digest). */
  hide(secret: string): void {
    this.secrets.push(secret);
  }

  private shown(line: string): string {
    if (/^PASS /i.test(line)) return 'PASS ********';
    const masked = this.secrets.reduce((l, secret) => l.split(secret).join('********'), line);
    return masked.length > 80 ? `${masked.slice(0, 20)}... (${masked.length} octets)` : masked;
  }

  /** Records an answer read without sending (a line the server adds before closing). */
  record(state: TextState, sent: string, answer: Answer): void {
    const reply =
      answer.kind === 'closed' || answer.kind === 'silent'
        ? [...(answer.cut ?? []), `<${answer.kind}>`]
        : answer.kind === 'multi'
          ? [answer.line, ...answer.body]
          : [answer.line];
    this.transcript.push({ state, sent, reply });
    const shown = 'cut' in answer && answer.cut !== undefined ? `${reply[0]} ... <${answer.kind}>` : reply[0];
    this.log(`  ${state === 'AUTHORIZATION' ? 'before login' : 'after login '}: ${sent} -> ${shown}`);
  }

  /**
   * Sends `line` in a session of its own that never starts TLS (with
   * `--starttls`: what the server answers before it), then drops it; the
   * greeting when it is no `+OK`.
   */
  async plaintext(line: string): Promise<Answer> {
    const { client, greeting } = await LineClient.open(this.endpoint);
    try {
      if (!lineOf(greeting)?.startsWith('+OK')) return greeting;
      return await this.exchange(client, 'AUTHORIZATION', line);
    } finally {
      client.destroy();
    }
  }

  /** Closes the session without QUIT, so nothing of it is committed (RFC 1939 §6). */
  drop(): void {
    this.client?.destroy();
    this.client = undefined;
    this.clientState = undefined;
  }

  /** Ends the session with QUIT, returning the answer (only after nothing was changed). */
  async quit(state: TextState): Promise<Answer> {
    const client = await this.session(state);
    const answer = await this.exchange(client, state, 'QUIT');
    this.drop();
    return answer;
  }

  private async sentinel(state: TextState): Promise<void> {
    if (this.client === undefined) return;
    const answer =
      state === 'AUTHORIZATION'
        ? await this.exchange(this.client, state, 'CAPA', true)
        : await this.exchange(this.client, state, 'NOOP');
    if (!isOk(answer)) this.drop();
  }

  /** The open session in `state`, or a new one. */
  async session(state: TextState): Promise<LineClient> {
    if (this.client !== undefined && this.clientState === state && !this.client.closed) return this.client;
    this.drop();
    const { client, greeting, localAddress } = await LineClient.open(this.endpoint);
    const first = lineOf(greeting);
    if (first === undefined || !first.startsWith('+OK')) {
      client.destroy();
      throw new CaptureStopped(`the server did not greet with +OK (${first ?? greeting.kind})`);
    }
    this.greeting = first;
    this.localAddress = localAddress;
    if (this.account.starttls) {
      if (this.beforeStls === undefined) {
        // The first session also shows what the server offers before TLS.
        const capa = await this.exchange(client, 'AUTHORIZATION', 'CAPA', true);
        this.beforeStls = { capa };
        if (lineOf(capa) === undefined) {
          // A late CAPA reply would be read as STLS's (its +OK), and the list as TLS: STLS goes in a new session.
          client.destroy();
          return this.session(state);
        }
      }
      const stls = await this.exchange(client, 'AUTHORIZATION', 'STLS');
      this.beforeStls.stls ??= stls;
      stopUnanswered(client, 'STLS', stls, 'TLS was not started, and --starttls sends nothing before it');
      if (!isOk(stls)) {
        client.destroy();
        throw new CaptureStopped(`STLS refused: ${lineOf(stls)}`);
      }
      try {
        await client.startTls();
      } catch (error) {
        client.destroy();
        throw error;
      }
    }
    if (state === 'TRANSACTION') {
      const user = await this.exchange(client, 'AUTHORIZATION', `USER ${this.account.user}`);
      // PASS after it would read a late +OK to USER as its own: a login that never happened.
      stopUnanswered(client, 'USER', user, 'the login was not tried');
      const pass = await this.exchange(client, 'AUTHORIZATION', `PASS ${this.account.password}`);
      // No answer is no refusal: the credentials were never judged.
      stopUnanswered(client, 'PASS', pass, 'the login was not answered, so the credentials were not judged');
      if (!isOk(pass)) {
        client.destroy();
        const line = lineOf(pass) ?? `<${pass.kind}>`;
        const n = this.logins;
        const which = n === 0 ? 'login refused' : `login refused after ${n} login${n === 1 ? '' : 's'}`;
        throw new CaptureStopped(`${which}: ${line}; ${loginRefusalAdvice(line, this.loginDelay)}`);
      }
      this.logins++;
    }
    this.client = client;
    this.clientState = state;
    return client;
  }
}

/**
 * A command of the session's set-up (STLS, USER, PASS) that got no reply in
 * time, or a close: the session is dropped and the capture stops saying so,
 * with `consequence`. Anything else is an answer, and the caller reads it.
 */
function stopUnanswered(
  client: LineClient,
  verb: string,
  answer: Answer,
  consequence: string,
): asserts answer is Extract<Answer, { kind: 'line' | 'multi' }> {
  if (answer.kind !== 'silent' && answer.kind !== 'closed') return;
  client.destroy();
  const what =
    answer.kind === 'silent'
      ? `no reply to ${verb} within the timeout (--timeout-ms)`
      : `the server closed the connection after ${verb}`;
  throw new CaptureStopped(`${what}: ${consequence}`);
}
