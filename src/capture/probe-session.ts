import type { TextState } from '../dialects/dialect-file';
import { type Answer, type Endpoint, LineClient } from './line-client';

/** How long a PASS answer may take: longer than any login delay Dovecot's auth penalty imposes. */
export const LOGIN_TIMEOUT_MS = 20_000;

/** One command and what came back, as the transcript keeps it (passwords masked). */
export interface Exchange {
  readonly state: TextState;
  readonly sent: string;
  /** The reply's lines (status line first), or `<closed>` / `<silent>`. */
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

  constructor(
    private readonly endpoint: Endpoint,
    private readonly account: Account,
    private readonly log: (line: string) => void,
  ) {}

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
    const timeout = /^PASS\b/i.test(line)
      ? Math.max(this.endpoint.timeoutMs, LOGIN_TIMEOUT_MS)
      : this.endpoint.timeoutMs;
    const answer = raw ? await client.sendRaw(line, multi) : await client.send(line, multi, timeout);
    const shown = /^PASS /i.test(line)
      ? 'PASS ********'
      : line.length > 80
        ? `${line.slice(0, 20)}... (${line.length} octets)`
        : line;
    this.record(state, shown, answer);
    return answer;
  }

  /** Records an answer read without sending (a line the server adds before closing). */
  record(state: TextState, sent: string, answer: Answer): void {
    const reply =
      answer.kind === 'closed'
        ? ['<closed>']
        : answer.kind === 'silent'
          ? ['<silent>']
          : answer.kind === 'multi'
            ? [answer.line, ...answer.body]
            : [answer.line];
    this.transcript.push({ state, sent, reply });
    this.log(`  ${state === 'AUTHORIZATION' ? 'before login' : 'after login '}: ${sent} -> ${reply[0]}`);
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
      const stls = await this.exchange(client, 'AUTHORIZATION', 'STLS');
      if (!isOk(stls)) throw new CaptureStopped(`STLS refused: ${lineOf(stls) ?? stls.kind}`);
      await client.startTls();
    }
    if (state === 'TRANSACTION') {
      await this.exchange(client, 'AUTHORIZATION', `USER ${this.account.user}`);
      const pass = await this.exchange(client, 'AUTHORIZATION', `PASS ${this.account.password}`);
      if (!isOk(pass)) {
        client.destroy();
        // [IN-USE], [LOGIN-DELAY], [SYS/TEMP]: the server refuses for now; the docs say what to do.
        throw new CaptureStopped(`login refused: ${lineOf(pass) ?? pass.kind}`);
      }
    }
    this.client = client;
    this.clientState = state;
    return client;
  }
}
