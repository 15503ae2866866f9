import { createServer, type Server, type Socket } from 'node:net';
import { type InspectOptions, inspect } from 'node:util';
import { acceptRules, type Served, withIds } from '../faults/accept-rules';
import type { BuiltRule } from '../faults/builder';
import { FaultEngine, type RuleStatus } from '../faults/engine';
import { loadFaultFixture } from '../faults/fixture';
import type { FaultRuleInput } from '../faults/rule';
import type { MessageSource } from '../fixtures/types';
import type { Mailbox, MessageInfo } from '../mailbox/mailbox';
import { type MailboxView, viewOf } from '../mailbox/mailbox-view';
import type { AddedRule, Pop3MockApi } from '../mock-api';
import { NotFoundError } from '../not-found-error';
import type { UserOptions } from '../options';
import type { CommandLine } from '../protocol/command-line';
import {
  checkAddUser,
  checkDeliver,
  checkExport,
  checkFilter,
  checkMessageNumber,
  checkOn,
  checkRuleId,
  checkSessionEnd,
  checkSessionWait,
  checkTranscript,
  checkUser,
  checkVerify,
  checkWaitFor,
  checkWaitForCommand,
} from '../schema/api-calls';
import { pathText } from '../schema/check';
import type { CheckedOptions } from '../schema/options';
import { Connection } from '../session/connection';
import { refuseConnection } from '../session/refusal';
import { Session } from '../session/session';
import type { SessionHost } from '../session/session-host';
import { attachDebugLog, debugLoggerFromEnv } from '../transcript/debug-log';
import { EventHub, type EventOf } from '../transcript/event-hub';
import type { JsonOptions, TranscriptExport } from '../transcript/json-export';
import { Recorder } from '../transcript/recorder';
import type { RenderOptions } from '../transcript/render';
import { type DroppedSessions, noSession } from '../transcript/retention';
import type { SessionRecord } from '../transcript/session-record';
import {
  type CommandPattern,
  type MailboxOutcome,
  type SessionFilter,
  type SessionWaitOptions,
  TranscriptApi,
  type WaitForCommandOptions,
} from '../transcript/transcript-api';
import type { VerifyOptions } from '../transcript/verify';
import type {
  LocatedCommand,
  Pop3Event,
  Pop3EventType,
  PresentedCertificate,
  ReplyStatus,
  SessionState,
  TlsMode,
} from '../vocabulary';
import { HELD_BYTES } from './held-bytes';
import { listen } from './listen';
import { type KeptTimes, PreciseTimes } from './precise-times';
import { SERVER_CLOSED, ServerClosedError } from './server-closed-error';
import { serverSettings } from './settings';
import { ServerTls, type TlsContextOptions } from './tls/tls-material';
import { type DeliveryCopy, UserDirectory } from './user-directory';
import { UserLoggedInError } from './user-logged-in-error';

/**
 * A running mock POP3 server. Create it with {@link startPop3Mock}; always
 * `await close()` it (in `afterEach`/`afterAll`).
 */
export class Pop3Mock implements Pop3MockApi<'local'> {
  /** The address the server listens on. */
  readonly host: string;
  /** The POP3 port. */
  port = 0;
  /** The implicit-TLS (POP3S) port, when `tlsPort` was given. */
  tlsPort: number | undefined;
  /** How many ended sessions the transcripts keep (the `keepSessions` option); `'all'`: no limit. */
  readonly keepSessions: number | 'all';
  /** The SMTP intake port, when `smtp` was given. */
  get smtpPort(): number | undefined {
    return this.attached.smtp?.port;
  }
  /** The SMTP intake's implicit-TLS (SMTPS) port, when `smtp.tlsPort` was given. */
  get smtpTlsPort(): number | undefined {
    return this.attached.smtp?.tlsPort;
  }

  private readonly server: Server;
  private readonly tlsServer: Server | undefined;
  private readonly serverTls: ServerTls | undefined;
  private readonly hub = new EventHub();
  private readonly recorder: Recorder;
  private readonly users_: UserDirectory;
  private readonly live = new Set<Session>();
  private readonly faults: FaultEngine;
  /** What decides whether a rule could fire here ({@link Served}): the verbs answered as unknown (STLS: refused), and which lines before login name a user. */
  private readonly served: Served;
  private readonly host_: SessionHost;
  private readonly transcripts: TranscriptApi;
  private nextSessionId = 1;
  private resetCount = 0;
  /** What the assembly attached (control API, SMTP intake): the core knows them by shape only. */
  private readonly attached: { control?: AttachedControl; smtp?: AttachedSmtp } = {};
  /** Events' times to a fraction of a millisecond, kept once a control API is attached. */
  private eventTimes: PreciseTimes | undefined;
  private closed = false;
  /** close()'s work, once: a second close() waits for the same end. */
  private closing: Promise<void> | undefined;
  /** Set while close() waits for the live sessions' sockets to close. */
  private lastSessionClosed: (() => void) | undefined;

  /** @internal Use {@link startPop3Mock}. */
  constructor(private readonly options: CheckedOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.keepSessions = options.keepSessions ?? 'all';
    // A dropped session's deletions stay listed, their bytes go: with
    // keepSessions, a mailbox fed by SMTP and emptied by clients grows by an
    // entry per deletion, not by the messages.
    this.recorder = new Recorder(this.keepSessions, (record) => this.users_.releaseDeletedBytes(record.id));
    const settings = serverSettings(options);
    this.served = settings.served;
    this.users_ = new UserDirectory(options.baseDir, () => settings.clock.now(), this.keepSessions !== 'all');
    this.serverTls = options.tls === false ? undefined : new ServerTls(options.tls);
    this.faults = new FaultEngine(
      typeof options.faults === 'string' ? [] : withIds(options.faults ?? []),
      options.seed ?? 1,
    );
    // Per-session rule counts (`per: 'session'`) are of no use once the session is over.
    this.hub.on('session-end', (event) => this.faults.endSession(event.sessionId));
    // Field by field, not `{ ...settings, tls, ... }`: in Node 20's V8 a spread
    // followed by more properties costs about a microsecond per property
    // (8 µs of every start, measured with a microbenchmark).
    const { dialect, clock, capabilities, lockMode, autologoutMs, requireTls, apop, hostname } = settings;
    this.host_ = {
      dialect,
      clock,
      capabilities,
      lockMode,
      autologoutMs,
      requireTls,
      apop,
      hostname,
      tls: this.serverTls,
      certificate: presentedCertificate(options.tls),
      ports: () => (this.tlsPort === undefined ? [this.port] : [this.port, this.tlsPort]),
      mailbox: (user) => this.users_.get(user),
      emit: (event) => this.publish(event),
      command: (sessionId, at, line, state) => this.publishCommand(sessionId, at, line, state),
      reply: (sessionId, at, status, line, bytes) => this.publishReply(sessionId, at, status, line, bytes),
      faults: this.faults,
    };
    this.transcripts = new TranscriptApi(this.hub, this.recorder, settings.clock);
    const logger = options.logger ?? debugLoggerFromEnv();
    if (logger) attachDebugLog(this.hub, logger);
    // noDelay: Nagle would merge a fault's fragments and hold small replies for the
    // client's delayed ACK; pipelined replies are batched with cork() instead.
    // allowHalfOpen: a client that half-closes still gets its pipelined replies.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
      this.accept(socket, 'none'),
    );
    this.server.on('error', ignoreError);
    if (options.tlsPort !== undefined) {
      if (!this.serverTls) throw new Error('pop3-mock: tlsPort needs TLS; do not pass tls: false');
      this.tlsServer = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
        this.accept(socket, 'implicit'),
      );
      this.tlsServer.on('error', ignoreError);
    }
  }

  /** Whether STLS is offered (TLS on and the `stls` capability set). */
  get offersStls(): boolean {
    return this.serverTls !== undefined && this.host_.capabilities.stls;
  }

  /** Whether the server has TLS material (it was not started with `tls: false`). */
  get hasTls(): boolean {
    return this.serverTls !== undefined;
  }

  /**
   * The server's TLS material: `ca` is the certificate a client should
   * trust (e.g. `tls.connect({ ca: pop3.tls.ca })`, `curl --cacert`).
   * Throws when TLS is off.
   */
  get tls(): { ca: string; cert: string; key: string } {
    const tls = this.serverTls;
    if (!tls) throw new Error('pop3-mock: TLS is off (tls: false)');
    // Each read when it is made: reading `ca` alone (a CA file, the control API) makes no server certificate.
    return {
      get ca() {
        return tls.ca;
      },
      get cert() {
        return tls.material.cert;
      },
      get key() {
        return tls.material.key;
      },
    };
  }

  /** The TLS settings of every listener that speaks TLS (the SMTP intake's too); undefined when TLS is off. */
  tlsContextOptions(): TlsContextOptions | undefined {
    return this.serverTls?.contextOptions();
  }

  /** `console.log` shows addresses and counts, never a password or the control token. */
  [inspect.custom](_depth: number, options: InspectOptions): string {
    const view = {
      host: this.host,
      port: this.port,
      tlsPort: this.tlsPort,
      controlUrl: this.controlUrl,
      users: this.users(),
      sessions: this.recorder.sessions.length,
    };
    return `Pop3Mock ${inspect(view, options)}`;
  }

  /** `pop3://host:port`, for clients that take a URL. */
  get url(): string {
    return `pop3://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /**
   * Every session so far, oldest first, live ones included, but for ended ones
   * dropped by `keepSessions` (in process only; `listSessions()` on both sides).
   */
  get sessions(): readonly SessionRecord[] {
    return this.recorder.sessions;
  }

  /** @internal The record of session `id`, if kept: the control API, the browser view and the CLI look sessions up by id. */
  sessionById(id: number): SessionRecord | undefined {
    return this.recorder.get(id);
  }

  /** Sessions matching `filter` (all by default), oldest first, live ones included. */
  listSessions(filter?: SessionFilter): readonly SessionRecord[] {
    return this.transcripts.sessions(checkFilter('listSessions', filter));
  }

  /**
   * Ended sessions `filter` would select (all by default) whose records were
   * dropped to honour `keepSessions`, since the start or the last `reset()`:
   * how many, the newest id among them, the limit. Undefined when none.
   */
  droppedSessions(filter?: SessionFilter): DroppedSessions | undefined {
    return this.transcripts.dropped(checkFilter('droppedSessions', filter));
  }

  /** @internal Waits (`nextSession()`, `waitFor()`, ...) not settled yet: a test of the control API learns a remote wait has begun. */
  get pendingWaits(): number {
    return this.transcripts.pendingWaits;
  }

  /** @internal How many times `reset()` ran: the browser view starts its session list over when it changes. */
  get resets(): number {
    return this.resetCount;
  }

  /** The control API's base URL, when `control` was given. */
  get controlUrl(): string | undefined {
    return this.attached.control?.url;
  }

  /** The control API's bearer token, when `control` was given. */
  get controlToken(): string | undefined {
    return this.attached.control?.token;
  }

  /**
   * @internal For the assembly (`startPop3Mock`): a listener that lives and
   * closes with this server. The core knows it by shape, not by module.
   */
  attach(part: { kind: 'control' } & AttachedControl): void;
  attach(part: { kind: 'smtp' } & AttachedSmtp): void;
  attach(part: ({ kind: 'control' } & AttachedControl) | ({ kind: 'smtp' } & AttachedSmtp)): void {
    if (part.kind === 'control') {
      this.attached.control = part;
      // Its remote waits and event stream order events within a millisecond of a call.
      if (this.eventTimes === undefined) {
        const times = new PreciseTimes();
        this.eventTimes = times;
        this.hub.on('session-end', (event) => times.forget(event.sessionId));
      }
    } else this.attached.smtp = part;
  }

  /** User names, in the order they were added. */
  users(): string[] {
    return this.users_.names();
  }

  /**
   * Removes a user; false when there was none. Throws a
   * {@link UserLoggedInError} while a session is logged in as the user (its
   * deletions would go to a mailbox no one sees; sessions that ended, or
   * have not logged in, do not hold it), and a {@link ServerClosedError}
   * after `close()`. Nothing is changed then.
   */
  removeUser(user: string): boolean {
    const checked = checkUser('removeUser', user);
    this.refuseIfClosed('removeUser');
    const mailbox = this.users_.get(checked);
    if (mailbox) this.refuseIfLoggedIn(mailbox, 'removeUser');
    return this.users_.remove(checked);
  }

  /** A {@link UserLoggedInError} when a live session is logged in on `mailbox`: it would go on where no one sees. */
  private refuseIfLoggedIn(mailbox: Mailbox, call: 'addUser' | 'removeUser'): void {
    const session = [...this.live].find((s) => s.worksOn(mailbox));
    if (session) throw new UserLoggedInError(mailbox.user, session.id, call);
  }

  /**
   * The mailbox of a user, read-only; a `NotFoundError` for an unknown user.
   * It names the user: each call reads the user's mailbox then (after
   * `addUser()` replaced the user, the new one; after `removeUser()`, a
   * `NotFoundError`), as the remote client's does.
   */
  mailbox(user: string): MailboxView {
    const checked = checkUser('mailbox', user);
    this.users_.require(checked);
    return this.viewOf(checked);
  }

  /**
   * One event of a session: recorded first, then told to the listeners, so
   * every listener (named or `'*'`) finds the session's record up to date.
   * The recorder is not a listener: it costs no dispatch, and no listener
   * can come before it.
   */
  private publish(event: Pop3Event): void {
    const preciseAt = this.record(event);
    const outer = this.hearing;
    const outerAt = this.hearingAt;
    this.hearing = event;
    this.hearingAt = preciseAt;
    try {
      this.hub.emit(event);
    } finally {
      this.hearing = outer;
      this.hearingAt = outerAt;
    }
  }

  /**
   * A session's command. When a listener hears commands, it is one event
   * object, published as every event is (the listener and the record then
   * hold the same object). When none does, the recorder takes it field by
   * field and no object is made: commands and replies are most of a
   * session's events, and in most tests nothing but the recorder hears
   * them.
   */
  private publishCommand(sessionId: number, at: number, line: CommandLine, state: SessionState): void {
    if (this.hub.hears('command')) {
      const { verb, args, raw } = line;
      this.publish({ type: 'command', sessionId, at, verb, args, raw, state });
      return;
    }
    try {
      this.recorder.command(sessionId, at, line, state);
    } catch (error) {
      recorderThrew(error);
    }
    this.eventTimes?.note(sessionId, true);
  }

  /**
   * A session's reply, as {@link publishCommand}; `bytes` 0: not one octet
   * reached the socket, and it is a `reply-unsent` event, never a `reply`.
   * Only whole replies come here: a cut one (rare) is published as an event,
   * with its `wholeBytes` (session/reply-event.ts).
   */
  private publishReply(
    sessionId: number,
    at: number,
    status: ReplyStatus,
    line: string,
    bytes: number,
  ): void {
    if (bytes === 0) {
      this.publish({ type: 'reply-unsent', sessionId, at, status, line });
      return;
    }
    if (this.hub.hears('reply')) {
      this.publish({ type: 'reply', sessionId, at, status, line, bytes });
      return;
    }
    try {
      this.recorder.reply(sessionId, at, status, line, bytes);
    } catch (error) {
      recorderThrew(error);
    }
    this.eventTimes?.note(sessionId, false);
  }

  /**
   * Gives `event` to the recorder; returns when it was recorded, to a
   * fraction of a millisecond (`preciseAt`, for an event recorded again),
   * when a control API keeps such times.
   */
  private record(event: Pop3Event, preciseAt?: number): number | undefined {
    try {
      this.recorder.apply(event);
    } catch (error) {
      recorderThrew(error);
    }
    return this.eventTimes?.note(event.sessionId, event.type === 'command', preciseAt);
  }

  /** The event the listeners are being told of, if any: see {@link reset}. */
  private hearing: Pop3Event | undefined;
  /** When {@link hearing} was recorded, to a fraction of a millisecond (with a control API). */
  private hearingAt: number | undefined;

  /**
   * @internal For the control API's event stream: when the event a listener
   * hears now was recorded, to a fraction of a millisecond.
   */
  heardAt(): number | undefined {
    return this.hearingAt;
  }

  /**
   * @internal For the control API's event stream: when the events kept were
   * recorded, to a fraction of a millisecond (see {@link KeptTimes});
   * undefined without a control API.
   */
  recordedTimes(since: number): KeptTimes | undefined {
    return this.eventTimes?.keptSince(since);
  }

  private viewOf(user: string): MailboxView {
    return viewOf(user, {
      mailbox: () => this.users_.require(user),
      mailboxIfAny: () => this.users_.get(user),
      deliver: (messages) => this.deliver(user, messages),
      mayChange: (call) => this.refuseIfClosed(call),
      messageNumber: checkMessageNumber,
    });
  }

  /**
   * A call that would change the server, made after `close()`: refused with
   * a {@link ServerClosedError} (the change would reach no client). Read-only
   * calls never ask: the records stay readable after close.
   */
  private refuseIfClosed(call: string): void {
    if (this.closed) throw new ServerClosedError(call);
  }

  /**
   * Adds a user (or replaces one that is not logged in) with its messages.
   * Throws a {@link UserLoggedInError} while a session is logged in as the
   * user: that session would go on with a mailbox no one sees. A
   * {@link ServerClosedError} after `close()`, also when the server closed
   * while the messages loaded.
   */
  async addUser(user: string, options: UserOptions | string): Promise<MailboxView> {
    const checked = checkAddUser(user, options).options;
    this.refuseIfClosed('addUser');
    // Asked again right before the user is set, in the same turn: the messages load in between.
    const mayAdd = (old: Mailbox | undefined): void => {
      this.refuseIfClosed('addUser');
      if (old) this.refuseIfLoggedIn(old, 'addUser');
    };
    await this.users_.add(user, checked, 'options.messages', mayAdd);
    return this.viewOf(user);
  }

  /**
   * Delivers messages to a user's mailbox; they show from the next session on (RFC 1939 §4). Resolves with the messages added.
   * A {@link ServerClosedError} after `close()`, also when the server closed while the messages loaded.
   */
  async deliver(user: string, messages: MessageSource | readonly MessageSource[]): Promise<MessageInfo[]> {
    const checked = checkDeliver(user, messages);
    this.refuseIfClosed('deliver');
    this.users_.require(user);
    return this.users_.deliver(user, checked.messages, () => this.refuseIfClosed('deliver'));
  }

  /**
   * Listens to server events: `'session-start'`, `'command'`, `'reply'`, ...,
   * or `'*'` for all. A listener runs as the event happens, and the session's
   * record (in {@link Pop3Mock.sessions}) already holds the event. A
   * {@link ServerClosedError} after `close()`: no event can come any more.
   */
  on<T extends Pop3EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  on(type: '*', listener: (event: Pop3Event) => void): () => void;
  on(type: Pop3EventType | '*', listener: (event: Pop3Event) => void): () => void;
  on(type: Pop3EventType | '*', listener: (event: never) => void): () => void {
    const checked = checkOn(type, listener);
    this.refuseIfClosed('on');
    return this.hub.on(checked.type as '*', checked.listener as (event: Pop3Event) => void);
  }

  /** @internal Session `id` is not kept: never begun, or (said so) dropped by `keepSessions`. */
  noSession(id: number): NotFoundError {
    // An id given out before, neither held nor dropped: only a reset() forgets one.
    const forgotten = id < this.nextSessionId && this.resetCount > 0;
    const text = noSession(id, this.recorder.dropped({ sessionId: id }), forgotten);
    return new NotFoundError({ kind: 'session', sessionId: id }, `pop3-mock: ${text}`);
  }

  /** Commands received by every session (or those matching `filter`), as `'RETR 1'`; secrets masked. */
  commands(filter?: SessionFilter): string[] {
    return this.transcripts.commands(checkFilter('commands', filter));
  }

  /** Resolves with the first event matching `predicate`; the timeout error lists what was seen instead. */
  async waitFor(
    predicate: (event: Pop3Event) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<Pop3Event> {
    const checked = checkWaitFor(predicate, options);
    return this.transcripts.waitFor(checked.predicate, checked.options);
  }

  /** Resolves with the next command that matches (see {@link CommandPattern}), recorded on arrival. */
  async waitForCommand(pattern: CommandPattern, options?: WaitForCommandOptions): Promise<LocatedCommand> {
    return this.waitForCommandArrivedSince(pattern, options, undefined);
  }

  /**
   * @internal The control API's `waitForCommand`: a command recorded since
   * `arrivedSince` (ms, when the remote client made the call) counts, as one
   * arriving after an in-process call does; the request's travel would miss it.
   */
  waitForCommandArrivedSince(
    pattern: CommandPattern,
    options: WaitForCommandOptions | undefined,
    arrivedSince: number | undefined,
  ): Promise<LocatedCommand> {
    const { pattern: checked, ...rest } = checkWaitForCommand(pattern, options);
    if (arrivedSince === undefined) return this.transcripts.waitForCommand(checked, rest, undefined);
    // Recorded times are whole milliseconds, on the server's clock (a test's fake one, maybe): the
    // arrival's real time to a fraction decides where it is kept.
    const kept = this.eventTimes?.keptSince(arrivedSince);
    return this.transcripts.waitForCommand(checked, rest, (c) => {
      const at = kept ? kept.commandAt(c.sessionId, c.index, c.at) : c.at;
      return at !== undefined && at > arrivedSince;
    });
  }

  /**
   * Resolves with the record of the next session to connect. With `since` (a
   * session id): the first session with a greater id, at once if it has begun,
   * so a wait started after connecting still sees its session.
   */
  async nextSession(options?: SessionWaitOptions): Promise<SessionRecord> {
    return this.nextSessionArrivedSince(options, undefined);
  }

  /**
   * @internal The control API's `nextSession`: without `since`, a session
   * that began since `arrivedSince` (ms, when the remote client made the
   * call) is the next one, as it is to an in-process call; the request's
   * travel would miss it, and the wait took the session after it.
   */
  async nextSessionArrivedSince(
    options: SessionWaitOptions | undefined,
    arrivedSince: number | undefined,
  ): Promise<SessionRecord> {
    const checked = checkSessionWait('nextSession', options);
    if (arrivedSince !== undefined && checked.since === undefined) {
      const begun = this.recorder.sessions.find(this.begunSince(arrivedSince));
      if (begun) return begun;
    }
    return this.transcripts.nextSession(checked);
  }

  /**
   * @internal The control API's `sessionEnd` with no session: the latest
   * session begun by `arrivedSince` (when the remote client made the call),
   * else the first one after it, as for an in-process call; at the
   * request's arrival the latest may be one begun while it travelled.
   */
  async sessionEndArrivedSince(
    options: SessionWaitOptions | undefined,
    arrivedSince: number | undefined,
  ): Promise<SessionRecord> {
    const checked = checkSessionEnd(undefined, options);
    if (arrivedSince === undefined || checked.options.since !== undefined)
      return this.transcripts.sessionEnd(undefined, checked.options);
    const since = this.begunSince(arrivedSince);
    const sessions = this.recorder.sessions;
    const after = sessions.findIndex(since);
    // Sessions are kept oldest first: those begun before the call come before those begun since.
    const given = after === -1 ? sessions.at(-1) : (sessions[after - 1] ?? sessions[after]);
    return this.transcripts.sessionEnd(given, checked.options);
  }

  /**
   * Whether a session began after `at` (ms, with a fraction), as the kept
   * times tell (see {@link waitForCommandArrivedSince}). A record that
   * restarted at a reset() begins with it, and is taken as begun before.
   */
  private begunSince(at: number): (record: SessionRecord) => boolean {
    const kept = this.eventTimes?.keptSince(at);
    return (record) => {
      if (record.restartedAt !== undefined) return false;
      const startedAt = record.startedAt.getTime();
      const begun = kept ? kept.eventAt(record.id, 1, startedAt) : startedAt;
      return begun !== undefined && begun > at;
    };
  }

  /**
   * Resolves when a session has ended (now, if it already has). Without an
   * argument: the most recent session, or the next one if none started yet;
   * with `since` (and no session), the first session with a greater id.
   */
  async sessionEnd(session?: SessionRecord | number, options?: SessionWaitOptions): Promise<SessionRecord> {
    const checked = checkSessionEnd(session, options);
    const which = checked.session;
    if (typeof which !== 'number') {
      // A record from before a reset() stops there: with no record of its session kept now, that session
      // ended since and keepSessions dropped its record (as by id, and remote).
      if (which !== undefined && !which.ended && !this.recorder.get(which.id)) throw this.noSession(which.id);
      return this.transcripts.sessionEnd(which, checked.options);
    }
    const record = this.recorder.get(which);
    if (!record) throw this.noSession(which);
    return this.transcripts.sessionEnd(record, checked.options);
  }

  /**
   * Throws a `VerificationError` listing the closest commands unless `pattern`
   * was received (`times`); returns how many commands matched.
   */
  verify(pattern: CommandPattern, options?: VerifyOptions): number {
    const checked = checkVerify(pattern, options);
    const { pattern: _, ...filter } = checked;
    return this.transcripts.verify(checked.pattern, filter, this.users());
  }

  /** The sessions as `C:`/`S:` text; secrets masked unless `{ secrets: true }`; `{ stable: true }` for snapshots. */
  transcript(options?: RenderOptions & SessionFilter): string {
    return this.transcripts.render(checkTranscript(options));
  }

  /** Every session as plain data for a JSON file (e.g. kept by CI); secrets masked unless `{ secrets: true }`. */
  exportTranscripts(options?: JsonOptions & SessionFilter): TranscriptExport {
    return this.transcripts.exportJSON(checkExport(options));
  }

  /** A user's mailbox now, what UPDATE removed from it and what its sessions retrieved. */
  outcome(user: string): MailboxOutcome {
    return this.transcripts.outcome(this.users_.require(checkUser('outcome', user)));
  }

  /**
   * Back to the start: mailboxes as seeded, transcripts forgotten. Live
   * sessions go on, and so do their records: each restarts with a `reset`
   * event (`record.restartedAt`) and records what follows, and
   * `sessionEnd()` (begun before, or given a record from before) resolves
   * with the restarted record. Called by a
   * listener while it hears an event of a live session, that session's
   * restarted record holds the event too, right after its `reset` event.
   * A {@link ServerClosedError} after `close()`: the records of a closed
   * server stay as they were, to be read.
   */
  async reset(): Promise<void> {
    this.refuseIfClosed('reset');
    this.resetCount++;
    this.users_.resetAll();
    const hearing = this.hearing;
    // From a listener, the time of the event it hears: the session's events after it carry that turn's reading.
    const at = hearing?.at ?? this.host_.clock.now();
    const hearingAt = this.hearingAt;
    // The restarted records number their events from 1 again.
    this.eventTimes?.restart();
    for (const record of this.recorder.clear()) {
      const { id: sessionId, remoteAddress, remotePort, tls, state, user } = record;
      const startedAt = record.startedAt.getTime();
      this.publish({ type: 'reset', sessionId, at, startedAt, remoteAddress, remotePort, tls, state, user });
      // A listener reset the server while hearing an event of this session:
      // the restarted record holds that event too, after its reset event, so
      // the listeners after it still find the event they hear in the record.
      // (A session-start is in the reset event already.)
      if (hearing?.sessionId === sessionId && hearing.type !== 'session-start' && hearing.type !== 'reset') {
        this.record(hearing, hearingAt);
      }
    }
    this.faults.reset(this.nextSessionId - 1);
    for (const session of this.live) session.restartFaults();
  }

  /**
   * Adds fault rules, active when the promise resolves. The newest rule is
   * checked first; `reset()` removes them (rules from the `faults` option stay).
   * A rule whose id a stored rule has is refused with the whole batch (an
   * `InputError` naming `rules[i].id`), so `removeRule(id)` always names one rule.
   * A {@link ServerClosedError} after `close()`: the rule would never fire.
   *
   * @example
   * await pop3.use(on('RETR').nth(2).reply('-ERR [SYS/TEMP] try later'));
   */
  async use(...rules: FaultRuleInput[]): Promise<AddedRule[]> {
    const accepted = acceptRules(
      rules,
      { source: 'use()', at: 'rules' },
      {
        has: (id) => this.faults.has(id),
        ...this.served,
      },
    );
    this.refuseIfClosed('use');
    this.faults.add(accepted, 'runtime');
    return accepted.map((rule) => ({ id: rule.id, explain: rule.explain() }));
  }

  /** Every fault rule with its hit count, in the order they are checked (the newest use() first). */
  rules(): RuleStatus[] {
    return this.faults.status();
  }

  /** Rules that never fired: a test can fail when a fault it set up never happened. */
  pendingRules(): BuiltRule[] {
    return this.faults
      .status()
      .filter((s) => s.hits === 0)
      .map((s) => s.rule);
  }

  /**
   * Removes one fault rule by id; false when there was none. What the rule
   * holds is let go (a hung or delayed reply goes out, a stalled or throttled
   * one goes on at full speed, a `failHandshake()` whose `+OK` is out fails
   * at once: that `+OK` cannot be taken back); what other rules hold stays held.
   * A {@link ServerClosedError} after `close()`.
   */
  removeRule(id: string): boolean {
    const checked = checkRuleId(id);
    this.refuseIfClosed('removeRule');
    return this.faults.remove(checked);
  }

  /**
   * Stops the server: ends every session (no UPDATE), destroys every socket,
   * cancels every timer, and resolves when the port is free. A wait begun
   * after it is a `WaitCancelledError` at once (nothing more can come), and
   * a call that would change the server (`use()`, `addUser()`,
   * `removeUser()`, `deliver()`, a mailbox's `reset()` and `deliver()`,
   * `reset()`, `removeRule()`, `on()`) a {@link ServerClosedError}; the
   * records stay readable (sessions, transcripts, `verify()`, mailboxes,
   * rules). Called again
   * (an `afterEach` and a teardown both closing), it resolves when the first
   * call does, never before. If a part fails to close (the control API's or
   * the SMTP intake's server), the rest is closed all the same and close()
   * rejects with that part's error; a later close() tries that part again.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    // Only the parts there are: a start-close cycle is short, and each promise is part of it.
    const parts: Promise<unknown>[] = [closeServer(this.server)];
    if (this.tlsServer) parts.push(closeServer(this.tlsServer));
    for (const session of this.live) session.destroy();
    // A destroyed socket closes a turn later; each session then records its
    // end, before close() resolves. Waiting here for the last one is cheaper
    // than cancelWaits' general wait (a timer and a listener per close).
    if (this.live.size > 0) parts.push(new Promise<void>((resolve) => (this.lastSessionClosed = resolve)));
    if (this.attached.smtp) parts.push(this.attached.smtp.close());
    const results = await Promise.allSettled(parts);
    await this.transcripts.cancelWaits(SERVER_CLOSED);
    const control = this.attached.control;
    if (control) {
      // The control API closes last: a remote client's wait is answered first (its session's end, or a 408 saying
      // the close cut it short), as an in-process wait is. The answer is a few promise turns away: one macrotask.
      await new Promise((resolve) => setImmediate(resolve));
      results.push(...(await Promise.allSettled([control.close()])));
    }
    const [failed, ...alsoFailed] = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failed) {
      // Everything else is closed; a later close() tries again what failed.
      this.closing = undefined;
      // One error is thrown; any other part that failed too is not lost.
      for (const other of alsoFailed)
        console.error('[pop3-mock] close(): another part failed too:', other.reason);
      throw failed.reason;
    }
  }

  /** @internal Loads the users and the faults file; the assembly calls it before {@link listen}. */
  async load(): Promise<void> {
    if (typeof this.options.faults === 'string') {
      const rules = await loadFaultFixture(this.options.faults, this.options.baseDir, this.served);
      this.faults.add(rules, 'options');
    }
    for (const [user, options] of Object.entries(this.options.users ?? {}))
      await this.users_.add(user, options, pathText(['users', user, 'messages']));
  }

  /** @internal Starts the POP3 (and POP3S) listeners. */
  async listen(): Promise<void> {
    const fallback = this.options.portFallback ?? true;
    this.port = await listen(this.server, this.host, this.options.port ?? 0, fallback);
    // `portFallback` is about the preferred `port` only: a taken `tlsPort` fails, as the control and SMTP ports do.
    if (this.tlsServer)
      this.tlsPort = await listen(this.tlsServer, this.host, this.options.tlsPort ?? 0, false);
  }

  /** SMTP recipient to user: the whole address if such a user exists, else its local part. */
  userForAddress(address: string): string | undefined {
    return this.users_.forAddress(address);
  }

  /** @internal For the SMTP intake: a message's copies into their users' mailboxes, all or none; the users not there. */
  deliverEach(copies: readonly DeliveryCopy[]): Promise<string[]> {
    return this.users_.deliverEach(copies);
  }

  /**
   * For the control API and the browser view, which send a message's bytes
   * and never hand them to a caller: the shared Buffer held for a message, by
   * its number now or its uid (see `Mailbox.heldBytes`), not the copy
   * `MessageInfo.bytes` makes. Keyed by a symbol the package does not export,
   * so no caller reaches the process's shared bytes by name.
   */
  [HELD_BYTES](user: string, message: number | string): Buffer | undefined {
    return this.users_.get(user)?.heldBytes(message);
  }

  /** @internal For the SMTP intake's AUTH: whether `password` is `user`'s POP3 password. */
  passwordMatches(user: string, password: string): boolean {
    return this.users_.passwordMatches(user, password);
  }

  private accept(socket: Socket, tls: TlsMode): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const max = this.options.maxSessions;
    if (max !== undefined && this.live.size >= max) {
      // Recorded as a session of its own; never rejects (a failure is an internal error).
      void refuseConnection(socket, this.nextSessionId++, this.host_);
      return;
    }
    const id = this.nextSessionId++;
    let session: Session | undefined;
    const connection = new Connection(socket, (byServer) => {
      if (!session) return;
      this.live.delete(session);
      session.onClosed(byServer);
      if (this.live.size === 0) this.lastSessionClosed?.();
    });
    session = new Session(id, this.host_, connection, tls);
    this.live.add(session);
    const started = session.start();
    // start() never rejects (a failure is an internal error); should that ever fail too, the connection goes.
    if (started instanceof Promise) started.catch(() => connection.destroy());
  }
}

/** The control API as the core knows it: where it is, and how to close it. */
export interface AttachedControl {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** The SMTP intake as the core knows it. */
export interface AttachedSmtp {
  readonly port: number;
  readonly tlsPort: number | undefined;
  close(): Promise<void>;
}

/** A listening server's errors are its sockets' (each session handles its own). */
function ignoreError(): void {}

/**
 * A closed server stops pointing at its mock: Node frees a closed server only
 * in a full GC, and through its connection listener it kept the whole mock
 * (users, messages, transcripts) alive until then, copied into the old
 * generation on the way (bench/promotion.mjs).
 */
function forgetMock(server: Server): void {
  server.removeAllListeners('connection');
}

/** Closes a listener (if it listens) and resolves when its port is free; then it forgets the mock. */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const closed = () => {
      forgetMock(server);
      resolve();
    };
    if (server.listening) server.close(closed);
    else closed();
  });
}

/**
 * A bug in the recorder must not end the session (or, from a socket's close
 * callback, the process): it is logged. (It cannot be recorded: the recorder
 * is what failed.)
 */
function recorderThrew(error: unknown): void {
  console.error('[pop3-mock] the transcript recorder threw:', error);
}

/** The certificate the server presents: the user's own when `key`/`cert` are given, else the generated mode's. */
function presentedCertificate(tls: CheckedOptions['tls']): PresentedCertificate {
  if (tls === false || tls === undefined) return 'valid';
  return tls.key !== undefined ? 'own' : (tls.certificate ?? 'valid');
}
