import type { z } from 'zod';
import { type BuiltRule, withExplain } from '../faults/builder';
import type { RuleStatus } from '../faults/engine';
import type { FaultRuleInput } from '../faults/rule';
import { FixtureError, type MessageSource } from '../fixtures/types';
import type {
  AddedRule,
  DeletedSummary,
  MailboxApi,
  MessageSummary,
  PatternOf,
  Pop3MockApi,
} from '../mock-api';
import type { UserOptions } from '../options';
import { InputError, type InputIssue } from '../schema/input-error';
import { UserLoggedInError } from '../server/user-logged-in-error';
import type { JsonOptions, SessionJSON, TranscriptExport } from '../transcript/json-export';
import type { LocatedCommand } from '../transcript/pattern';
import type { SessionFilter } from '../transcript/query';
import type { RenderOptions } from '../transcript/render';
import type { DroppedSessions } from '../transcript/retention';
import { SessionRecord } from '../transcript/session-record';
import type {
  MailboxOutcome,
  SessionWaitOptions,
  WaitForCommandOptions,
  WaitTimeout,
} from '../transcript/transcript-api';
import { VerificationError, type VerifyOptions } from '../transcript/verify';
import { WaitTimeoutError } from '../transcript/waiting';
import type { Pop3Event, Pop3EventType } from '../vocabulary';
import { type Endpoint, type EndpointOf, endpoints, type OperationId } from './contract/endpoints';
import { EventStream } from './event-stream';

/** Where the control API is; both default to what the jest global setup puts in the environment. */
export interface ConnectOptions {
  /** Default `process.env.POP3_MOCK_CONTROL_URL`. */
  url?: string;
  /** Default `process.env.POP3_MOCK_TOKEN`. */
  token?: string;
}

/** A control API request that failed for a reason other than the input or a verification; `status` is the HTTP status. */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly status: number,
    message: string,
    /** The JSON body of the error reply, when there was one. */
    readonly body: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

type Out<S> = S extends z.ZodType ? z.output<S> : never;
/** What an endpoint answers on success, from the contract: a message's bytes as a Buffer of its own, other text as a string. */
type Success<O extends OperationId> = EndpointOf<O>['answers'] extends { 200: { json: infer S } }
  ? Out<S>
  : EndpointOf<O>['answers'] extends { 201: { json: infer S } }
    ? Out<S>
    : EndpointOf<O>['answers'] extends { 200: { text: 'message/rfc822' } }
      ? Buffer
      : string;

interface CallInput {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/**
 * The in-process API ({@link Pop3MockApi}) over the HTTP control API: a test
 * in a jest worker, or any Node process, reads like an in-process test, with
 * `await` on every call. Answers are checked against the contract and come
 * back as the same types: `SessionRecord`s with dates and methods, rules
 * with `explain()`, `InputError`, `VerificationError` and `WaitTimeoutError`.
 */
export class RemotePop3Mock implements Pop3MockApi<'remote'> {
  host = '';
  port = 0;
  tlsPort: number | undefined;
  smtpPort: number | undefined;
  smtpTlsPort: number | undefined;
  keepSessions: number | 'all' = 'all';
  private ca: string | undefined;
  private readonly events: EventStream;

  /** @internal Use {@link connectPop3Mock}. */
  constructor(
    readonly controlUrl: string,
    private readonly token: string,
  ) {
    this.events = new EventStream(`${controlUrl}/api/events`, token);
  }

  get url(): string {
    return `pop3://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** @internal Reads the ports. */
  async refresh(): Promise<void> {
    const status = await this.call('getStatus');
    this.host = status.host;
    this.port = status.port;
    this.tlsPort = status.tlsPort ?? undefined;
    this.smtpPort = status.smtpPort ?? undefined;
    this.smtpTlsPort = status.smtpTlsPort ?? undefined;
    this.keepSessions = status.keepSessions;
    this.ca = status.ca ?? undefined;
  }

  /** The CA a client should trust for STLS and POP3S; throws when the server has no TLS. */
  get tls(): { readonly ca: string } {
    if (this.ca === undefined) throw new Error('pop3-mock: TLS is off (tls: false)');
    return { ca: this.ca };
  }

  async users(): Promise<string[]> {
    return (await this.call('getStatus')).users;
  }

  async addUser(user: string, options: UserOptions | string): Promise<RemoteMailbox> {
    const given = typeof options === 'string' ? { password: options } : options;
    if (typeof given.oauthToken === 'function') {
      throw new TypeError(
        'pop3-mock: a function oauthToken cannot cross the control API; give the token string',
      );
    }
    const body = {
      ...given,
      ...(given.messages === undefined ? {} : { messages: wireMessages(given.messages) }),
    };
    await this.call('putUser', { params: { user }, body }).catch((error: unknown) => {
      throw asGiven(error, given.messages, 'options.messages');
    });
    return this.mailbox(user);
  }

  async removeUser(user: string): Promise<boolean> {
    return found(this.call('removeUser', { params: { user } }));
  }

  mailbox(user: string): RemoteMailbox {
    return new RemoteMailbox(this, user);
  }

  /** Delivers messages; resolves with the messages added, as the in-process deliver() does. */
  async deliver(user: string, messages: MessageSource | readonly MessageSource[]): Promise<MessageSummary[]> {
    const added = await this.call('deliver', {
      params: { user },
      body: { messages: wireMessages(messages) },
    }).catch((error: unknown) => {
      throw asGiven(error, messages, 'messages');
    });
    return added.map(summaryOf);
  }

  async outcome(user: string): Promise<MailboxOutcome> {
    const outcome = await this.call('getOutcome', { params: { user } });
    return {
      ...outcome,
      deleted: outcome.deleted.map((d) => ({
        ...d,
        number: d.number ?? undefined,
        deletedAt: new Date(d.deletedAt),
      })),
    };
  }

  async use(...rules: FaultRuleInput[]): Promise<AddedRule[]> {
    return this.call('addRules', { body: { rules } });
  }

  async rules(): Promise<RuleStatus[]> {
    const listed = await this.call('listRules');
    return listed.map((s) => ({ rule: withExplain(s.rule), hits: s.hits, source: s.source }));
  }

  async pendingRules(): Promise<BuiltRule[]> {
    return (await this.call('listPendingRules')).map((p) => withExplain(p.rule));
  }

  async removeRule(id: string): Promise<boolean> {
    return found(this.call('removeRule', { params: { id } }));
  }

  async listSessions(filter: SessionFilter = {}): Promise<SessionRecord[]> {
    const exported = await this.call('listSessions', { query: { ...filter } });
    return exported.sessions.map((s) => SessionRecord.fromJSON(s as SessionJSON));
  }

  async droppedSessions(filter: SessionFilter = {}): Promise<DroppedSessions | undefined> {
    return (await this.call('getDroppedSessions', { query: { ...filter } })).dropped ?? undefined;
  }

  commands(filter: SessionFilter = {}): Promise<string[]> {
    return this.call('listCommands', { query: { ...filter } });
  }

  async transcript(options: RenderOptions & SessionFilter = {}): Promise<string> {
    // Every option crosses, so the server's schema refuses a misspelt one as it does in process.
    return this.call('getTranscript', { query: { ...options } });
  }

  async exportTranscripts(options: JsonOptions & SessionFilter = {}): Promise<TranscriptExport> {
    const { secrets, ...filter } = options;
    if (secrets) throw new TypeError('pop3-mock: secrets never cross the control API');
    return (await this.call('listSessions', { query: { ...filter } })) as TranscriptExport;
  }

  async verify(pattern: PatternOf<'remote'>, options: VerifyOptions = {}): Promise<number> {
    const answer = await this.call('verify', { body: { pattern: wirePattern(pattern), ...options } });
    return answer.count;
  }

  async nextSession(options: SessionWaitOptions = {}): Promise<SessionRecord> {
    return SessionRecord.fromJSON((await this.call('waitNextSession', { body: options })) as SessionJSON);
  }

  async sessionEnd(
    session?: SessionRecord | number,
    options: SessionWaitOptions = {},
  ): Promise<SessionRecord> {
    const sessionId = typeof session === 'number' ? session : session?.id;
    try {
      const ended = await this.call('waitSessionEnd', { body: { sessionId, ...options } });
      return SessionRecord.fromJSON(ended as SessionJSON);
    } catch (error) {
      // As in process: no such session (or its record was dropped) is a RangeError.
      if (error instanceof ControlError && error.status === 404)
        throw new RangeError(`pop3-mock: ${error.message}`);
      throw error;
    }
  }

  async waitForCommand(
    pattern: PatternOf<'remote'>,
    options: WaitForCommandOptions = {},
  ): Promise<LocatedCommand> {
    const { replyCut, ...c } = await this.call('waitCommand', {
      body: { pattern: wirePattern(pattern), ...options },
    });
    // As in process: replyCut only when the reply was cut.
    const located = { ...c, user: c.user ?? undefined, reply: c.reply ?? undefined };
    return replyCut === null ? located : { ...located, replyCut };
  }

  /**
   * The first event matching `predicate`, from the server's event stream.
   * Events that happened between this call and the stream's connection are
   * read back from the recorded sessions, so none is missed.
   */
  async waitFor(predicate: (event: Pop3Event) => boolean, options: WaitTimeout = {}): Promise<Pop3Event> {
    const since = Date.now();
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<Pop3Event>((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        stop();
        outcome();
      };
      const stop = this.events.on('*', (event) => {
        if (predicate(event)) finish(() => resolve(event));
      });
      const timer = setTimeout(
        () =>
          finish(() => reject(new WaitTimeoutError(`pop3-mock: no matching event within ${timeoutMs} ms`))),
        timeoutMs,
      );
      timer.unref();
      this.events.connected
        .then(() => this.listSessions())
        .then((sessions) => {
          const early = sessions.flatMap((s) => s.events).find((e) => e.at >= since && predicate(e));
          if (early) finish(() => resolve(early));
        })
        .catch((error: unknown) => finish(() => reject(error)));
    });
  }

  /** Listens to the server's events (secrets masked), from when the stream is connected (`await remote.listening()`). */
  on(type: Pop3EventType | '*', listener: (event: Pop3Event) => void): () => void {
    return this.events.on(type, listener);
  }

  /** Resolves when the event stream behind `on()` is connected. */
  listening(): Promise<void> {
    return this.events.connected;
  }

  async reset(): Promise<void> {
    await this.call('reset');
  }

  /** Stops listening to the server's events; the server runs on (it belongs to whoever started it). */
  async close(): Promise<void> {
    this.events.close();
  }

  /** @internal One request of the contract: path, query and body in, the checked answer out. */
  async call<O extends OperationId>(op: O, input: CallInput = {}): Promise<Success<O>> {
    const endpoint: Endpoint = endpoints[op];
    const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(String(input.params?.[name] ?? '')),
    );
    const response = await fetch(`${this.controlUrl}${path}${queryString(input.query)}`, {
      method: endpoint.method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
    });
    const answer = endpoint.answers[response.status];
    if (!response.ok) throw failure(response.status, await response.text(), `${endpoint.method} ${path}`);
    if (!answer)
      throw new ControlError(
        response.status,
        `${endpoint.method} ${path}: unexpected status ${response.status}`,
      );
    if ('text' in answer) {
      const bytes = Buffer.from(await response.arrayBuffer());
      return (answer.text === 'message/rfc822' ? bytes : bytes.toString('utf8')) as Success<O>;
    }
    // The answer is checked against the contract: a mismatch is a bug of pop3-mock, said at once.
    return answer.json.parse(await response.json()) as Success<O>;
  }
}

/** One user's mailbox over the control API. */
export class RemoteMailbox implements MailboxApi<'remote'> {
  constructor(
    private readonly remote: RemotePop3Mock,
    readonly user: string,
  ) {}

  async messages(): Promise<MessageSummary[]> {
    const listed = await this.remote.call('listMessages', { params: { user: this.user } });
    return listed.map(summaryOf);
  }

  async deleted(): Promise<DeletedSummary[]> {
    const listed = await this.remote.call('listDeleted', { params: { user: this.user } });
    return listed.map((m) => ({ ...m, deletedAt: new Date(m.deletedAt) }));
  }

  /** The bytes RETR sends for message `number`: a new Buffer each call, as in process. */
  async raw(number: number): Promise<Buffer> {
    return this.remote.call('getRawMessage', { params: { user: this.user, number } });
  }

  async reset(): Promise<void> {
    await this.remote.call('resetMailbox', { params: { user: this.user } });
  }

  deliver(messages: MessageSource | readonly MessageSource[]): Promise<MessageSummary[]> {
    return this.remote.deliver(this.user, messages);
  }
}

/**
 * Connects to a running pop3-mock's control API (started with
 * `control: true`, by the CLI's `--control-port`, or by the jest global
 * setup) and resolves with a client that implements the same
 * {@link Pop3MockApi} as the in-process server.
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

/** An error answer as the error class the in-process call would throw. */
function failure(status: number, text: string, what: string): Error {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: the text itself is the message.
  }
  const message = typeof body.error === 'string' ? body.error : text;
  if (status === 400 && Array.isArray(body.issues)) {
    return new InputError(body.issues as InputIssue[], what);
  }
  if (status === 400 && typeof body.problem === 'string') {
    return new FixtureError(body.problem, { path: typeof body.path === 'string' ? body.path : '' });
  }
  if (status === 422) {
    return new VerificationError(
      message,
      Number(body.count ?? 0),
      (body.nearMisses as string[] | undefined) ?? [],
    );
  }
  if (status === 408) return new WaitTimeoutError(message);
  if (status === 409 && typeof body.user === 'string' && typeof body.sessionId === 'number') {
    return new UserLoggedInError(body.user, body.sessionId);
  }
  return new ControlError(status, message, body);
}

/** A 404 as `false`, as the in-process call answers for a missing user or rule. */
async function found(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if (error instanceof ControlError && error.status === 404) return false;
    throw error;
  }
}

function wirePattern(pattern: string | RegExp): string | { regex: string; flags: string } {
  if (typeof pattern === 'string') return pattern;
  if (pattern instanceof RegExp) return { regex: pattern.source, flags: pattern.flags };
  throw new TypeError('pop3-mock: only a string or a RegExp pattern can cross the control API');
}

/**
 * A fixture error as the in-process call throws it: the server names the
 * messages `messages`, and `at` is where the call's own arguments hold them.
 */
function asGiven(error: unknown, given: unknown, at: string): unknown {
  if (!(error instanceof FixtureError) || !error.path.startsWith('messages')) return error;
  return error.placedAt(Array.isArray(given) ? `${at}${error.path.slice('messages'.length)}` : at);
}

/**
 * Messages as JSON carries them, Buffers as base64. A single message stays
 * single, so the server names a bad one `messages`, as the in-process call does.
 */
function wireMessages(messages: MessageSource | readonly MessageSource[]): unknown {
  return Array.isArray(messages) ? messages.map(wireMessage) : wireMessage(messages as MessageSource);
}

function wireMessage(m: MessageSource): unknown {
  if (Buffer.isBuffer(m)) return { rawBase64: m.toString('base64') };
  // Anything else, null included, goes as it is: the server's schema says what is wrong with it.
  if (typeof m === 'object' && m !== null && 'raw' in m && Buffer.isBuffer(m.raw)) {
    return { rawBase64: m.raw.toString('base64'), ...(m.uid === undefined ? {} : { uid: m.uid }) };
  }
  return m;
}

function queryString(query: CallInput['query']): string {
  const pairs = Object.entries(query ?? {}).filter(
    (e): e is [string, string | number | boolean] => e[1] !== undefined,
  );
  return pairs.length === 0
    ? ''
    : `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** A message as the control API lists it, its date a Date again. */
function summaryOf(m: { number: number; uid: string; size: number; deliveredAt: string }): MessageSummary {
  return { ...m, deliveredAt: new Date(m.deliveredAt) };
}
