import type { BuiltRule } from '../faults/builder';
import type { FaultRule } from '../faults/rule';
import type { MessageSource } from '../fixtures/types';
import type { SessionJSON, TranscriptExport } from '../transcript/json-export';
import type { Times } from '../transcript/verify';
import { VerificationError } from '../transcript/verify';
import { WaitTimeoutError } from '../transcript/waiting';
import { toWirePattern } from './wire-pattern';

/** Where the control API is; both default to what the jest global setup puts in the environment. */
export interface ConnectOptions {
  /** Default `process.env.POP3_MOCK_CONTROL_URL`. */
  url?: string;
  /** Default `process.env.POP3_MOCK_TOKEN`. */
  token?: string;
}

/** A message as the control API lists it. */
export interface RemoteMessage {
  number: number;
  uid: string;
  size: number;
}

/** A rule as the control API lists it. */
export interface RemoteRule {
  rule: FaultRule;
  explain: string;
  hits: number;
  source: 'options' | 'runtime';
}

/** A control API request that failed; `status` is the HTTP status. */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly status: number,
    message: string,
    /** The JSON body of the error reply, when there was one. */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The same methods as the in-process `Pop3Mock`, made async, over the HTTP
 * control API: a test in a jest worker (or any Node process) reads like an
 * in-process test.
 */
export class RemotePop3Mock {
  host = '';
  port = 0;
  tlsPort: number | null = null;
  smtpPort: number | null = null;

  /** @internal Use {@link connectPop3Mock}. */
  constructor(
    readonly controlUrl: string,
    private readonly token: string,
  ) {}

  get url(): string {
    return `pop3://${this.host}:${this.port}`;
  }

  /** @internal */
  async refresh(): Promise<void> {
    const status = await this.request<{
      host: string;
      port: number;
      tlsPort: number | null;
      smtpPort: number | null;
    }>('GET', '/api/status');
    ({ host: this.host, port: this.port, tlsPort: this.tlsPort, smtpPort: this.smtpPort } = status);
  }

  users(): Promise<string[]> {
    return this.request<{ users: string[] }>('GET', '/api/status').then((s) => s.users);
  }

  /** Creates or replaces a user. Buffers in `messages` are sent as base64. */
  async addUser(
    user: string,
    options: { password: string; messages?: MessageSource | readonly MessageSource[]; oauthToken?: string },
  ): Promise<RemoteMessage[]> {
    const body = { ...options, messages: toWireMessages(options.messages ?? []) };
    const created = await this.request<{ messages: RemoteMessage[] }>('PUT', `/api/users/${enc(user)}`, body);
    return created.messages;
  }

  async removeUser(user: string): Promise<void> {
    await this.request('DELETE', `/api/users/${enc(user)}`);
  }

  /** A user's mailbox, remotely. */
  mailbox(user: string): RemoteMailbox {
    return new RemoteMailbox(this, user);
  }

  deliver(user: string, messages: MessageSource | readonly MessageSource[]): Promise<RemoteMessage[]> {
    return this.mailbox(user).deliver(messages);
  }

  /** Adds fault rules (built with `on()`/`connection()`); active when the promise resolves. */
  async use(...rules: FaultRule[]): Promise<void> {
    await this.request('POST', '/api/faults', { rules });
  }

  async removeRule(id: string): Promise<void> {
    await this.request('DELETE', `/api/faults/${enc(id)}`);
  }

  rules(): Promise<RemoteRule[]> {
    return this.request('GET', '/api/faults');
  }

  async pendingRules(): Promise<FaultRule[]> {
    const pending = await this.request<{ rule: BuiltRule }[]>('GET', '/api/faults/pending');
    return pending.map((p) => p.rule);
  }

  async reset(): Promise<void> {
    await this.request('POST', '/api/reset');
  }

  async sessions(filter: { user?: string } = {}): Promise<SessionJSON[]> {
    const exported = await this.request<TranscriptExport>('GET', `/api/sessions${query(filter)}`);
    return exported.sessions;
  }

  exportTranscripts(filter: { user?: string } = {}): Promise<TranscriptExport> {
    return this.request('GET', `/api/sessions${query(filter)}`);
  }

  commands(filter: { user?: string } = {}): Promise<string[]> {
    return this.request('GET', `/api/commands${query(filter)}`);
  }

  transcript(options: { user?: string; stable?: boolean } = {}): Promise<string> {
    return this.request<string>('GET', `/api/transcript${query(options)}`, undefined, 'text');
  }

  /** Rejects with a `VerificationError` (near-miss report) unless the command was received. */
  async verify(
    pattern: string | RegExp,
    options: { times?: Times; user?: string; sessionId?: number } = {},
  ): Promise<void> {
    try {
      await this.request('POST', '/api/verify', { pattern: toWirePattern(pattern), ...options });
    } catch (error) {
      if (error instanceof ControlError && error.status === 422) {
        const {
          error: message,
          count,
          nearMisses,
        } = error.body as { error: string; count: number; nearMisses: string[] };
        throw new VerificationError(message, count, nearMisses);
      }
      throw error;
    }
  }

  async nextSession(options: { timeoutMs?: number } = {}): Promise<{ id: number }> {
    return this.waiting(() => this.request('POST', '/api/wait/next-session', options));
  }

  async sessionEnd(sessionId?: number, options: { timeoutMs?: number } = {}): Promise<SessionJSON> {
    return this.waiting(() => this.request('POST', '/api/wait/session-end', { sessionId, ...options }));
  }

  async waitForCommand(
    pattern: string | RegExp,
    options: { timeoutMs?: number; includePast?: boolean } = {},
  ): Promise<{ sessionId: number; verb: string; index: number; state: string }> {
    return this.waiting(() =>
      this.request('POST', '/api/wait/command', { pattern: toWirePattern(pattern), ...options }),
    );
  }

  outcome(user: string): Promise<unknown> {
    return this.request('GET', `/api/users/${enc(user)}/outcome`);
  }

  private async waiting<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ControlError && error.status === 408) throw new WaitTimeoutError(error.message);
      throw error;
    }
  }

  /** @internal */
  async request<T>(method: string, path: string, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
    const response = await fetch(`${this.controlUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON: keep the text
      }
      const message = typeof parsed.error === 'string' ? parsed.error : text;
      throw new ControlError(response.status, `${method} ${path}: ${response.status} ${message}`, parsed);
    }
    return (as === 'text' ? text : JSON.parse(text)) as T;
  }
}

/** One user's mailbox over the control API. */
export class RemoteMailbox {
  constructor(
    private readonly remote: RemotePop3Mock,
    readonly user: string,
  ) {}

  messages(): Promise<RemoteMessage[]> {
    return this.remote.request('GET', `/api/users/${enc(this.user)}/messages`);
  }

  deliver(messages: MessageSource | readonly MessageSource[]): Promise<RemoteMessage[]> {
    return this.remote.request('POST', `/api/users/${enc(this.user)}/messages`, {
      messages: toWireMessages(messages),
    });
  }

  /** The bytes RETR sends for message `number`. */
  async raw(number: number): Promise<string> {
    return this.remote.request(
      'GET',
      `/api/users/${enc(this.user)}/messages/${number}/raw`,
      undefined,
      'text',
    );
  }

  async reset(): Promise<void> {
    await this.remote.request('POST', `/api/users/${enc(this.user)}/reset`);
  }
}

/**
 * Connects to a running pop3-mock's control API (started with
 * `control: true`, by the CLI's `--control-port`, or by the jest global
 * setup) and resolves with a client that mirrors `Pop3Mock`.
 */
export async function connectPop3Mock(options: ConnectOptions = {}): Promise<RemotePop3Mock> {
  const url = options.url ?? process.env.POP3_MOCK_CONTROL_URL;
  const token = options.token ?? process.env.POP3_MOCK_TOKEN;
  if (!url || !token) {
    throw new Error(
      'pop3-mock: no control URL/token; pass { url, token } or set POP3_MOCK_CONTROL_URL and POP3_MOCK_TOKEN',
    );
  }
  const remote = new RemotePop3Mock(url.replace(/\/$/, ''), token);
  await remote.refresh();
  return remote;
}

function toWireMessages(messages: MessageSource | readonly MessageSource[]): unknown[] {
  const list = Array.isArray(messages) ? messages : [messages];
  return list.map((m) => (Buffer.isBuffer(m) ? { rawBase64: m.toString('base64') } : m));
}

const enc = encodeURIComponent;

function query(params: Record<string, string | boolean | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string | boolean] => e[1] !== undefined);
  const pairs: [string, string][] = entries.map(([k, v]) => [k, String(v)]);
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`;
}
