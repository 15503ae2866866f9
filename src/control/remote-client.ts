import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import { preciseNow, systemClock } from '../clock';
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
import { type Missing, NotFoundError } from '../not-found-error';
import type { UserOptions } from '../options';
import {
  type ConnectTarget,
  checkAddUser,
  checkConnect,
  checkDeliver,
  checkExport,
  checkFilter,
  checkMessageNumber,
  checkOn,
  checkRuleId,
  checkRules,
  checkSessionEnd,
  checkSessionWait,
  checkTranscript,
  checkUser,
  checkVerify,
  checkWaitFor,
  checkWaitForCommand,
} from '../schema/api-calls';
import { builtInKind } from '../schema/built-in-kind';
import { InputError, type InputIssue } from '../schema/input-error';
import { SERVER_CLOSED, ServerClosedError } from '../server/server-closed-error';
import { UserLoggedInError } from '../server/user-logged-in-error';
import type { JsonOptions, SessionJSON, TranscriptExport } from '../transcript/json-export';
import type { CommandPattern } from '../transcript/pattern';
import type { SessionFilter } from '../transcript/query';
import type { RenderOptions } from '../transcript/render';
import type { DroppedSessions } from '../transcript/retention';
import { SessionRecord } from '../transcript/session-record';
import {
  DEFAULT_WAIT_MS,
  type MailboxOutcome,
  type SessionWaitOptions,
  type WaitForCommandOptions,
  type WaitTimeout,
} from '../transcript/transcript-api';
import { VerificationError, type VerifyOptions } from '../transcript/verify';
import { WaitCancelledError, WaitSet, WaitTimeoutError, waitForEvent } from '../transcript/waiting';
import type { LocatedCommand, Pop3Event, Pop3EventType } from '../vocabulary';
import { type Endpoint, type EndpointOf, endpoints, type OperationId } from './contract/endpoints';
import { missing as missingSchema } from './contract/responses';
import { ControlError, causeOf } from './control-error';
import { EventStream } from './event-stream';
import { ServerClock } from './server-clock';

export { ControlError } from './control-error';

/** Where the control API is; both default to what the jest global setup puts in the environment. */
export interface ConnectOptions {
  /**
   * The scheme, host and port, as `controlUrl` gives it (`http://127.0.0.1:4000`; no
   * path: the client adds `/api/...`). Default `process.env.POP3_MOCK_CONTROL_URL`,
   * checked the same way.
   */
  url?: string;
  /** Default `process.env.POP3_MOCK_TOKEN`. */
  token?: string;
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
  /** The in-process call this request makes (`use()`): a refusal by the server is named by it, as in process. */
  as?: string;
}

/** The query of a request whose records hold real values, as records do in process. */
const REAL_VALUES = { secrets: true };

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
  /** How far the server's clock is from this process's: the waits decide "after the call" on the server's. */
  private readonly clock = new ServerClock();
  /** The pending waitFor()s, cancelled by close(). */
  private readonly waits = new WaitSet();
  /** Set by {@link close}: no more listeners, no more waits. */
  private closed = false;

  /** @internal Use {@link connectPop3Mock}. */
  constructor(
    readonly controlUrl: string,
    private readonly token: string,
  ) {
    // A closing server cancels its waits: so are this client's, over the stream, as in process.
    this.events = new EventStream(`${controlUrl}/api/events`, token, this.clock, () =>
      this.waits.close(SERVER_CLOSED),
    );
    // Connections kept for the next call (a wait's request reaches the server at once, as fetch's
    // did); idle ones do not hold the process (Node unrefs them), and close() ends those.
    this.agent = controlUrl.startsWith('https:')
      ? new HttpsAgent({ keepAlive: true })
      : new HttpAgent({ keepAlive: true });
  }

  private readonly agent: HttpAgent;

  get url(): string {
    return `pop3://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** The control API's bearer token this client was given (`uiLink(remote)` makes the browser view's link from it). */
  get controlToken(): string {
    return this.token;
  }

  /** @internal Reads the ports. */
  async refresh(): Promise<void> {
    const asked = preciseNow();
    const status = await this.call('getStatus');
    this.clock.measure(status.now, asked, preciseNow());
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
    checkAddUser(user, options);
    const given = typeof options === 'string' ? { password: options } : options;
    if (typeof given.oauthToken === 'function') {
      throw cannotCross('addUser()', 'options.oauthToken', 'a token string: a function');
    }
    const body = {
      ...given,
      ...(given.messages === undefined
        ? {}
        : { messages: wireMessages(given.messages, 'addUser()', 'options.messages') }),
    };
    await this.call('putUser', { params: { user }, body, as: 'addUser()' }).catch((error: unknown) => {
      throw asGiven(error, given.messages, 'options.messages');
    });
    return this.mailbox(user);
  }

  async removeUser(user: string): Promise<boolean> {
    checkUser('removeUser', user);
    return found(this.call('removeUser', { params: { user }, as: 'removeUser()' }));
  }

  /** A user's mailbox: a name that cannot be a user's is refused at once, as in process; an unknown user, by its first call. */
  mailbox(user: string): RemoteMailbox {
    return new RemoteMailbox(this, checkUser('mailbox', user));
  }

  /** Delivers messages; resolves with the messages added, as the in-process deliver() does. */
  async deliver(user: string, messages: MessageSource | readonly MessageSource[]): Promise<MessageSummary[]> {
    checkDeliver(user, messages);
    const added = await this.call('deliver', {
      params: { user },
      body: { messages: wireMessages(messages, 'deliver()', 'messages') },
      as: 'deliver()',
    }).catch((error: unknown) => {
      throw asGiven(error, messages, 'messages');
    });
    return added.map(summaryOf);
  }

  async outcome(user: string): Promise<MailboxOutcome> {
    checkUser('outcome', user);
    const { dropped, ...outcome } = await this.call('getOutcome', { params: { user }, as: 'outcome()' });
    return {
      ...outcome,
      ...(dropped === null ? {} : { dropped }),
      deleted: outcome.deleted.map((d) => ({
        ...d,
        number: d.number ?? undefined,
        deletedAt: new Date(d.deletedAt),
      })),
    };
  }

  async use(...rules: FaultRuleInput[]): Promise<AddedRule[]> {
    checkRules(rules);
    return this.call('addRules', { body: { rules }, as: 'use()' });
  }

  async rules(): Promise<RuleStatus[]> {
    const listed = await this.call('listRules');
    return listed.map((s) => ({ rule: withExplain(s.rule), hits: s.hits, source: s.source }));
  }

  async pendingRules(): Promise<BuiltRule[]> {
    return (await this.call('listPendingRules')).map((p) => withExplain(p.rule));
  }

  async removeRule(id: string): Promise<boolean> {
    checkRuleId(id);
    return found(this.call('removeRule', { params: { id }, as: 'removeRule()' }));
  }

  async listSessions(filter?: SessionFilter): Promise<SessionRecord[]> {
    const checked = checkFilter('listSessions', filter);
    // Real values in the records, as in process (their printed forms mask them).
    const query = { ...checked, ...REAL_VALUES };
    const exported = await this.call('listSessions', { query, as: 'listSessions()' });
    return exported.sessions.map((s) => SessionRecord.fromJSON(s as SessionJSON));
  }

  async droppedSessions(filter?: SessionFilter): Promise<DroppedSessions | undefined> {
    const checked = checkFilter('droppedSessions', filter);
    return (
      (await this.call('getDroppedSessions', { query: { ...checked }, as: 'droppedSessions()' })).dropped ??
      undefined
    );
  }

  async commands(filter?: SessionFilter): Promise<string[]> {
    const checked = checkFilter('commands', filter);
    return this.call('listCommands', { query: { ...checked }, as: 'commands()' });
  }

  async transcript(options?: RenderOptions & SessionFilter): Promise<string> {
    const checked = checkTranscript(options);
    return this.call('getTranscript', { query: { ...checked }, as: 'transcript()' });
  }

  async exportTranscripts(options?: JsonOptions & SessionFilter): Promise<TranscriptExport> {
    const { secrets, ...filter } = checkExport(options);
    // The export is the server's, as in process: secrets masked unless asked for.
    const query = { ...filter, secrets };
    return (await this.call('listSessions', { query, as: 'exportTranscripts()' })) as TranscriptExport;
  }

  async verify(pattern: PatternOf<'remote'>, options?: VerifyOptions): Promise<number> {
    const { pattern: checked, ...rest } = checkVerify(pattern, options);
    const body = { pattern: wirePattern('verify()', checked), ...rest };
    return (await this.call('verify', { body, as: 'verify()' })).count;
  }

  async nextSession(options?: SessionWaitOptions): Promise<SessionRecord> {
    // As in process, where a session that begins after the call is the next one, though it begin
    // before the request arrives: the call's time, as the server's clock reads it.
    const body = {
      ...checkSessionWait('nextSession', options),
      arrivedSince: this.clock.toServer(preciseNow()),
    };
    const record = await this.call('waitNextSession', { body, query: REAL_VALUES, as: 'nextSession()' });
    return SessionRecord.fromJSON(record as SessionJSON);
  }

  async sessionEnd(session?: SessionRecord | number, options?: SessionWaitOptions): Promise<SessionRecord> {
    const checked = checkSessionEnd(session, options);
    const sessionId = typeof checked.session === 'number' ? checked.session : checked.session?.id;
    // With no session, the latest at the call (as in process), not at the request's arrival.
    const body = { sessionId, ...checked.options, arrivedSince: this.clock.toServer(preciseNow()) };
    const record = (await this.call('waitSessionEnd', {
      body,
      query: REAL_VALUES,
      as: 'sessionEnd()',
    })) as SessionJSON;
    // As in process, where the record given is the live one: it is brought up to the end and returned.
    if (checked.session instanceof SessionRecord && caughtUp(checked.session, record)) return checked.session;
    return SessionRecord.fromJSON(record);
  }

  async waitForCommand(
    pattern: PatternOf<'remote'>,
    options?: WaitForCommandOptions,
  ): Promise<LocatedCommand> {
    const { pattern: checked, ...rest } = checkWaitForCommand(pattern, options);
    // As in process, where a command after the call is after the wait began, though it arrive before
    // the request: the call's time, as the server's clock reads it.
    const arrivedSince = this.clock.toServer(preciseNow());
    const { replyCut, ...c } = await this.call('waitCommand', {
      body: { pattern: wirePattern('waitForCommand()', checked), ...rest, arrivedSince },
      query: REAL_VALUES,
      as: 'waitForCommand()',
    });
    // As in process: replyCut only when the reply was cut.
    const located = { ...c, user: c.user ?? undefined, reply: c.reply ?? undefined };
    return replyCut === null ? located : { ...located, replyCut };
  }

  /**
   * The first event matching `predicate` recorded after this call, from the
   * server's event stream (secrets masked); the timeout error lists what was
   * seen instead, as in process. The stream, if this call opens it, first
   * replays the events recorded between the call and its connection, so
   * none is missed; each event carries when the server recorded it, to a
   * fraction of a millisecond, so none from before the call is taken.
   */
  async waitFor(predicate: (event: Pop3Event) => boolean, options?: WaitTimeout): Promise<Pop3Event> {
    const checked = checkWaitFor(predicate, options);
    const timeoutMs = checked.options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise<Pop3Event>((resolve, reject) => {
      // Cancelled by close(), as close() cancels an in-process wait.
      waitForEvent(this.events, systemClock, 'a matching event', checked.predicate, timeoutMs, {
        waits: this.waits,
      }).then(resolve, reject);
      // A stream that cannot open says why, rather than waiting out the timeout (none opens once the server closed).
      if (!this.events.serverClosed) this.events.connected.catch(reject);
    });
  }

  /**
   * Listens to the server's events (secrets masked) recorded from the time
   * of the call on: the stream opens with it, and the server first replays
   * what it recorded from then until it connected. The times are this
   * process's real time (`preciseNow()`, which fake timers leave alone) and
   * the server's record of each event's, to a fraction of a millisecond. A
   * server on a host whose clock is off gives its time on connecting and
   * when the stream opens, and the difference is taken (the replay starts
   * from the call on the server's clock), to within half a round trip: an
   * event that close to the call may fall on either side of it. The
   * server's `clock` option (a test's fake time) does not move the replay:
   * it picks events by when they were recorded in real time (kept for the
   * server's last 8,192 events, which a replay right after a call is among).
   */
  on(type: Pop3EventType | '*', listener: (event: Pop3Event) => void): () => void {
    const checked = checkOn(type, listener);
    // As in process, once this client heard the server close (its stream's last word).
    if (this.events.serverClosed) throw new ServerClosedError('on');
    // A listener would open the stream again: a connection the test believes closed.
    if (this.closed)
      throw new Error(
        'pop3-mock: on() after close(): this remote client was closed and hears no more events (the server runs on); connect again with connectPop3Mock() to listen',
      );
    return this.events.on(checked.type, checked.listener);
  }

  /** Resolves when the event stream behind `on()` is connected. */
  listening(): Promise<void> {
    return this.events.connected;
  }

  async reset(): Promise<void> {
    // A stream that `on()` is still opening replays from the records a reset clears: it connects first.
    await this.events.opening();
    await this.call('reset');
  }

  /**
   * Stops listening to the server's events, and ends this client's pending
   * `waitFor()`s with a `WaitCancelledError`; the server runs on (it belongs
   * to whoever started it). After it, a `waitFor()` is cancelled at once and
   * `on()` throws: neither would hear anything, or would open the stream again.
   */
  async close(): Promise<void> {
    this.closed = true;
    // Pending waits end, and a wait begun later is cancelled at once: this client hears no more events.
    this.waits.close('the remote client was closed');
    this.events.close();
    // The kept connections end; a call still under way finishes (a wait the server's close cuts short says so).
    for (const sockets of Object.values(this.agent.freeSockets))
      for (const socket of sockets ?? []) socket.destroy();
  }

  /** @internal One request of the contract: path, query and body in, the checked answer out. */
  async call<O extends OperationId>(op: O, input: CallInput = {}): Promise<Success<O>> {
    const endpoint: Endpoint = endpoints[op];
    const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(String(input.params?.[name] ?? '')),
    );
    const response = await exchange(
      this.agent,
      `${this.controlUrl}${path}${queryString(input.query)}`,
      endpoint.method,
      {
        authorization: `Bearer ${this.token}`,
        ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      input.body === undefined ? undefined : JSON.stringify(input.body),
    ).catch((error: unknown) => {
      // Say where, and why (the error's code).
      const why = causeOf(error);
      throw new ControlError(
        0,
        `pop3-mock: ${endpoint.method} ${this.controlUrl}${path}: no answer from the control API (${why}); is the server running, with control on?`,
        {},
        error,
      );
    });
    const answer = endpoint.answers[response.status];
    if (response.status < 200 || response.status > 299)
      throw failure(
        response.status,
        response.body.toString('utf8'),
        input.as ?? `${endpoint.method} ${path}`,
      );
    if (!answer)
      throw new ControlError(
        response.status,
        `${endpoint.method} ${path}: unexpected status ${response.status}`,
      );
    if ('text' in answer) {
      const bytes = response.body;
      return (answer.text === 'message/rfc822' ? bytes : bytes.toString('utf8')) as Success<O>;
    }
    // The answer is checked against the contract: a mismatch is a bug of pop3-mock, said at once.
    return answer.json.parse(JSON.parse(response.body.toString('utf8'))) as Success<O>;
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
    const checked = checkMessageNumber(number);
    return this.remote.call('getRawMessage', { params: { user: this.user, number: checked }, as: 'raw()' });
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
  const target = checkConnect(options, process.env);
  const remote = new RemotePop3Mock(target.url.replace(/\/$/, ''), target.token);
  await remote.refresh().catch((error: unknown) => {
    throw wrongToken(error, target);
  });
  // Once more, on the connection the first opened: a sharper measure of the server's clock.
  await remote.refresh();
  return remote;
}

/**
 * A 401 on connecting says which token, from where, the server refused: a
 * worker holding the token of another server (another run's, a second
 * config's) read only "missing or wrong token".
 */
function wrongToken(error: unknown, target: ConnectTarget): unknown {
  if (!(error instanceof ControlError) || error.status !== 401) return error;
  return new ControlError(
    401,
    `pop3-mock: connectPop3Mock(): the control API at ${target.url} (${target.urlFrom}) refused the token of ${target.tokenFrom}: it is not that server's token (another server's, or another run's); give the controlToken of the server at that URL`,
    error.body,
  );
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
  if (status === 404 && isMissing(body.missing)) return new NotFoundError(body.missing, message);
  if (status === 408) {
    const seen = Array.isArray(body.seen) ? body.seen.filter((l): l is string => typeof l === 'string') : [];
    return body.cancelled === true
      ? new WaitCancelledError(message, seen)
      : new WaitTimeoutError(message, seen);
  }
  if (status === 410 && body.closed === true && typeof body.call === 'string') {
    return new ServerClosedError(body.call);
  }
  if (status === 409 && typeof body.user === 'string' && typeof body.sessionId === 'number') {
    return new UserLoggedInError(
      body.user,
      body.sessionId,
      body.call === 'removeUser' ? 'removeUser' : 'addUser',
    );
  }
  return new ControlError(status, message, body);
}

/** A 404's `missing`, checked against the contract's schema. */
function isMissing(value: unknown): value is Missing {
  return value !== undefined && missingSchema.safeParse(value).success;
}

/** A 404 as `false`, as the in-process call answers for a missing user or rule. */
async function found(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if (error instanceof NotFoundError || (error instanceof ControlError && error.status === 404))
      return false;
    throw error;
  }
}

/** A checked pattern as JSON carries it; a function cannot cross the wire. */
function wirePattern(call: string, pattern: CommandPattern): string | { regex: string; flags: string } {
  if (typeof pattern === 'string') return pattern;
  if (pattern instanceof RegExp) return { regex: pattern.source, flags: pattern.flags };
  throw cannotCross(call, 'pattern', 'a string or a RegExp: a function');
}

/** What the remote client cannot send, refused as the in-process door refuses input: an InputError naming the call and the path. */
function cannotCross(call: string, path: string, expected: string): InputError {
  return new InputError([{ path, message: `expected ${expected} cannot cross the control API` }], call);
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
 * single, so the server names a bad one `messages`, as the in-process call
 * does. `call` and `at` name a value JSON would change (see {@link unchangedByJson}).
 */
function wireMessages(messages: MessageSource | readonly MessageSource[], call: string, at: string): unknown {
  return Array.isArray(messages)
    ? messages.map((m: MessageSource, i) => wireMessage(m, call, `${at}[${i}]`))
    : wireMessage(messages as MessageSource, call, at);
}

function wireMessage(m: MessageSource, call: string, at: string): unknown {
  if (Buffer.isBuffer(m)) return { rawBase64: m.toString('base64') };
  // Anything else, null included, goes as it is: the server's schema says what is wrong with it.
  if (typeof m === 'object' && m !== null && 'raw' in m && Buffer.isBuffer(m.raw)) {
    return { rawBase64: m.raw.toString('base64'), ...(m.uid === undefined ? {} : { uid: m.uid }) };
  }
  unchangedByJson(m, call, at);
  return m;
}

/**
 * Nodemailer fields cross as JSON, which turns a Date into ISO text (a
 * `Date:` header no RFC 5322 reader takes) and a Buffer into `{ type, data }`:
 * the server would build another message than the in-process call, or fail
 * saying nothing of the wire. So such a value is refused, named by its path,
 * with what to give instead (the same fields give the same bytes on both sides).
 */
function unchangedByJson(value: unknown, call: string, at: string, depth = 0): void {
  if (typeof value === 'function') throw cannotCross(call, at, 'a JSON value: a function');
  if (typeof value !== 'object' || value === null || depth > 8) return;
  if (ArrayBuffer.isView(value)) {
    throw cannotCross(call, at, "a string (buffer.toString('base64'), with encoding: 'base64'): a Buffer");
  }
  const kind = builtInKind(value);
  if (kind === 'Date') throw cannotCross(call, at, 'a string (date.toUTCString()): a Date');
  const proto: unknown = Object.getPrototypeOf(value);
  if (kind !== undefined || (!Array.isArray(value) && proto !== Object.prototype && proto !== null)) {
    throw cannotCross(
      call,
      at,
      `a JSON value: ${kind === undefined ? 'a class instance (a stream?)' : `a ${kind}`}`,
    );
  }
  for (const [key, item] of Object.entries(value)) {
    unchangedByJson(item, call, Array.isArray(value) ? `${at}[${key}]` : `${at}.${key}`, depth + 1);
  }
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

/**
 * One request to the control API and its whole answer. Not `fetch`: its
 * HTTP client ends a request whose answer has not begun within 300 s, and a
 * wait may run 600 s (the remote wait failed, saying the server was not
 * running).
 */
function exchange(
  agent: HttpAgent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; body: Buffer }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = send(url, { method, headers: { ...headers, ...length }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Brings `record` (an earlier answer's, the session as it was then) up to
 * `ended`, the server's record of the same session at its end, by applying
 * the events it lacks: a remote record does not grow with its session, and a
 * test that awaits `sessionEnd(record)` then asks `record` what the session
 * did (as it may in process, where the record is live). False when `ended`
 * does not go on from it (another session, or one restarted by `reset()`).
 */
function caughtUp(record: SessionRecord, ended: SessionJSON): boolean {
  const had = record.events;
  if (record.id !== ended.id || ended.events.length < had.length) return false;
  const goesOn = had.every(
    (event, i) => event.type === ended.events[i]!.type && event.at === ended.events[i]!.at,
  );
  if (!goesOn) return false;
  for (const event of ended.events.slice(had.length)) record.apply(event);
  return true;
}
