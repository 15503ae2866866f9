import { inspect } from 'node:util';
import { assertNever } from '../assert-never';
import type { CommandLine } from '../protocol/command-line';
import { checkRender } from '../schema/api-calls';
import type {
  EndReason,
  FaultActionType,
  LocatedCommand,
  Pop3Event,
  Pop3EventType,
  RecordedCommand,
  ReplyStatus,
  SessionState,
  TlsMode,
} from '../vocabulary';
import { EventLog } from './event-log';
import { type JsonOptions, type SessionJSON, sessionToJSON } from './json-export';
import { locateCommands, printedCommand } from './pattern';
import { type RenderOptions, renderSession, type SessionView } from './render';
import { type TlsFailure, type TlsRefusal, tlsFailureOf, tlsRefusalOf } from './tls-refusal';

export type { TlsFailure, TlsRefusal } from './tls-refusal';

/** A reply as recorded: status, first line, the octets of it the socket took. */
export interface RecordedReply {
  readonly status: ReplyStatus;
  readonly line: string;
  /** The octets that went out: the whole reply's, or those before the cut. */
  readonly bytes: number;
  /** Present only when the reply was cut short: the octets the whole reply had (see the `reply` event). */
  readonly wholeBytes?: number;
  readonly at: number;
}

/** Something that threw inside the mock during a session: a bug, never the client's doing. */
export interface RecordedInternalError {
  readonly message: string;
  readonly stack?: string;
  readonly at: number;
}

/** One login attempt: USER/PASS, APOP or a SASL mechanism, and how it went. */
export interface AuthAttempt {
  readonly user: string;
  readonly mechanism: string;
  readonly result: 'ok' | 'failed' | 'in-use';
  readonly at: number;
}

/** A fault rule that fired in a session. */
export interface FiredFault {
  readonly ruleId: string;
  readonly action: FaultActionType;
  readonly description: string;
  readonly at: number;
}

// Keys of what only the recorder and the transcript API use of a record. They
// are symbols the package does not export: a record handed to a test cannot
// be written to by mistake, and its type shows no such methods by name.
/** Records an event whose type was read already (the recorder's path). */
export const APPLY_OF_TYPE: unique symbol = Symbol('applyOfType');
/** Records a command as the session parsed it, with no event object. */
export const APPLY_COMMAND: unique symbol = Symbol('applyCommand');
/** Records a reply given field by field, with no event object. */
export const APPLY_REPLY: unique symbol = Symbol('applyReply');
/** Commands recorded so far. */
export const COMMAND_COUNT: unique symbol = Symbol('commandCount');

/** The deleted list every record shares until its UPDATE. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * Everything one session did, built from its events. Read it after the
 * session, or while it runs. The structured fields hold real values
 * (passwords included, so tests can match them); every printed form
 * (`render()`, `toString()`, `toJSON()`, `console.log`) masks them.
 */
export class SessionRecord implements SessionView {
  /** Every event of the session, in order, with real values. */
  get events(): readonly Pop3Event[] {
    return this.log.all(this.id, this.startedAtMs);
  }
  /** The user the session logged in as; undefined until a login succeeds. */
  get user(): string | undefined {
    return this.userNow;
  }
  /**
   * How the connection is protected: `implicit` (POP3S) or `stls` once the
   * handshake completed; `none` before it (a POP3S client that has not shaken
   * hands yet, or never does) and after a handshake that failed.
   */
  get tls(): TlsMode {
    return this.tlsNow;
  }
  /** The state now (or when the session ended). */
  get state(): SessionState {
    return this.stateNow;
  }
  get startedAt(): Date {
    this.startedDate ??= new Date(this.startedAtMs);
    return this.startedDate;
  }
  get endedAt(): Date | undefined {
    if (this.endedAtMs !== undefined) this.endedDate ??= new Date(this.endedAtMs);
    return this.endedDate;
  }
  get endReason(): EndReason | undefined {
    return this.endReasonNow;
  }

  /**
   * When `reset()` ran while this session was live: the record restarted
   * then (its first event is the `reset` event) and holds nothing from
   * before. Undefined for a record that holds the whole session.
   */
  get restartedAt(): Date | undefined {
    return this.restartedAtNow;
  }
  /**
   * Messages RETRieved: number and uid in that session, in order (repeats
   * included), once the reply went out whole. A RETR whose reply a fault cut
   * short (`closeAfterBytes()`, `resetAfterBytes()`, ...) or that was never
   * sent did not give the client its message, and is left out: see the
   * reply's `wholeBytes` in {@link events}. A new list on every read.
   */
  get retrieved(): readonly { readonly number: number; readonly uid: string }[] {
    // A `retrieve` event comes as the maildrop serves the RETR, before its reply: the next reply tells.
    const out: { number: number; uid: string }[] = [];
    let served: { number: number; uid: string } | undefined;
    for (const e of this.log.only(['retrieve', 'reply', 'reply-unsent'], this.id, this.startedAtMs)) {
      if (e.type === 'retrieve') served = { number: e.number, uid: e.uid };
      else {
        if (served && e.type === 'reply' && e.wholeBytes === undefined) out.push(served);
        served = undefined;
      }
    }
    return out;
  }
  /** Messages removed at UPDATE: number in that session and uid. */
  get deleted(): readonly { readonly number: number; readonly uid: string }[] {
    return this.deletedNow;
  }

  // What the events made of the session so far: changed only by apply().
  // Plain fields, dates made on first read, lists (retrieved, faults,
  // errors) made from the events when read: a record is kept for every
  // session, so each object it does not need is garbage collection saved
  // (see event-log.ts).
  private readonly log: EventLog;
  private userNow: string | undefined;
  private tlsNow: TlsMode;
  private stateNow: SessionState = 'AUTHORIZATION';
  private readonly startedAtMs: number;
  private startedDate: Date | undefined;
  private endedAtMs: number | undefined;
  private endedDate: Date | undefined;
  private endReasonNow: EndReason | undefined;
  private restartedAtNow: Date | undefined;
  private deletedNow: readonly { number: number; uid: string }[] = NONE;
  private commandsNow = 0;

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    tls: TlsMode,
    at: number,
    /** Slots the event log can expect to fill (see {@link EventLog}). */
    expectedSlots = 0,
  ) {
    this.tlsNow = tls;
    this.startedAtMs = at;
    this.log = new EventLog(expectedSlots);
  }

  /**
   * The record a session's JSON export describes, rebuilt by replaying its
   * events: what the remote client hands out, so a record from the control
   * API has the same fields, dates and methods as one in process.
   */
  static fromJSON(json: SessionJSON): SessionRecord {
    const start = json.events.find((e) => e.type === 'session-start' || e.type === 'reset');
    const record = new SessionRecord(
      json.id,
      json.remoteAddress,
      json.remotePort,
      start?.type === 'session-start' || start?.type === 'reset' ? tlsAtStart(start) : json.tls,
      Date.parse(json.startedAt),
    );
    for (const event of json.events) record.apply(event);
    return record;
  }

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Milliseconds from connect to close; undefined while the session runs. */
  get durationMs(): number | undefined {
    return this.endedAt && this.endedAt.getTime() - this.startedAt.getTime();
  }

  /** Commands received, as `'RETR 1'`; PASS, APOP and AUTH secrets masked. */
  commands(): string[] {
    return this.commandEvents().map((c) => printedCommand(c));
  }

  /** Commands received, with their real arguments and the state they arrived in. */
  commandEvents(): RecordedCommand[] {
    return locateCommands(this).map(({ verb, args, raw, state, at }) => ({ verb, args, raw, state, at }));
  }

  /** Commands with their position, the user logged in at the time and the first line of their reply. */
  locatedCommands(): LocatedCommand[] {
    return locateCommands(this);
  }

  /** Replies sent, the greeting first. */
  replies(): RecordedReply[] {
    const out: RecordedReply[] = [];
    for (const e of this.events) {
      if (e.type !== 'reply') continue;
      const { status, line, bytes, wholeBytes, at } = e;
      out.push(
        wholeBytes === undefined ? { status, line, bytes, at } : { status, line, bytes, wholeBytes, at },
      );
    }
    return out;
  }

  /** Login attempts and their results, in order. */
  authAttempts(): AuthAttempt[] {
    const out: AuthAttempt[] = [];
    for (const e of this.events) {
      if (e.type === 'auth') out.push({ user: e.user, mechanism: e.mechanism, result: e.result, at: e.at });
    }
    return out;
  }

  /**
   * The session as `C:`/`S:` text; secrets masked unless `{ secrets: true }`.
   * The options are checked as `transcript()`'s are: a misspelt key or a value
   * not true or false is an `InputError` naming it, not a quietly different text.
   */
  render(options?: RenderOptions): string {
    return renderSession(this, checkRender(options));
  }

  /** Redacted `C:`/`S:` text. */
  toString(): string {
    return renderSession(this);
  }

  /**
   * Plain data for `JSON.stringify`, secrets masked unless `{ secrets: true }`.
   * (`JSON.stringify` passes a key string, which is ignored.)
   */
  toJSON(options?: JsonOptions | string): SessionJSON {
    return sessionToJSON(this, typeof options === 'object' ? options : {});
  }

  /** `console.log` and `util.inspect` print the redacted form. */
  [inspect.custom](_depth: number, options: object): string {
    return `SessionRecord ${inspect(this.toJSON(), options)}`;
  }

  /** Fault rules that fired in this session, in order. A new list on every read. */
  get faults(): readonly FiredFault[] {
    return this.collect('fault', ({ ruleId, action, description, at }) => ({
      ruleId,
      action,
      description,
      at,
    }));
  }

  /**
   * The client's refusal of TLS, if it refused: the handshake failed with
   * an alert it sent or its close, or (under a broken certificate mode) it
   * closed right after the handshake without a command; and the commands it
   * sent in plaintext around that. A failure the client did not cause (see
   * `TlsNonRefusalCause`) is no refusal: {@link tlsFailure} has it. See docs/TLS.md.
   */
  get tlsRefusal(): TlsRefusal | undefined {
    return tlsRefusalOf(this.events);
  }

  /**
   * The TLS handshake that did not complete, whoever caused it: a client's
   * refusal (`refused: true`) or a failure no client caused (a port probe,
   * bytes that are not TLS, the server's own end); undefined when none
   * failed. A close after a completed handshake is no failure here (see
   * {@link tlsRefusal}). See docs/TLS.md.
   */
  get tlsFailure(): TlsFailure | undefined {
    return tlsFailureOf(this.events);
  }

  /**
   * Errors inside the mock, in order: each was answered `-ERR` (the dialect's
   * `internalError`) and ended the session. A new list on every read.
   */
  get errors(): readonly RecordedInternalError[] {
    return this.collect('internal-error', ({ message, stack, at }) => ({ message, stack, at }));
  }

  /** Commands recorded so far: a live command's place, without making the events objects (TranscriptApi's waits). */
  get [COMMAND_COUNT](): number {
    return this.commandsNow;
  }

  /** Slots this record's log filled: what the recorder expects of the next session. */
  get slotCount(): number {
    return this.log.slotCount;
  }

  /** The events of one type, each made into `T`; a new list on every read, and nothing kept for it. */
  private collect<K extends Pop3Event['type'], T>(
    type: K,
    make: (event: Extract<Pop3Event, { type: K }>) => T,
  ): T[] {
    return this.log.only([type], this.id, this.startedAtMs).map(make);
  }

  /** {@link apply} for a command as the session parsed it, with no event object (the recorder's path when no listener hears commands). */
  [APPLY_COMMAND](at: number, line: CommandLine, state: SessionState): void {
    this.log.command(this.id, at, this.startedAtMs, line, state);
    this.commandsNow++;
  }

  /** {@link apply} for a reply given field by field, as for a command. */
  [APPLY_REPLY](at: number, status: ReplyStatus, line: string, bytes: number): void {
    this.log.reply(this.id, at, this.startedAtMs, status, line, bytes);
  }

  /** Applies one event of this session. */
  apply(event: Pop3Event): void {
    this[APPLY_OF_TYPE](event, event.type);
  }

  /** {@link apply}, with the event's type read already (the recorder's path: see Recorder.apply). */
  [APPLY_OF_TYPE](event: Pop3Event, type: Pop3EventType): void {
    this.log.push(event, type, this.startedAtMs);
    // Most events change nothing below: told by the type already read, without reading the event again.
    if (type === 'command') {
      this.commandsNow++;
      return;
    }
    if (type === 'reply' || type === 'retrieve') return;
    switch (event.type) {
      case 'auth':
        if (event.result === 'ok') this.userNow = event.user;
        break;
      case 'state':
        this.stateNow = event.to;
        break;
      case 'tls':
        this.tlsNow = event.mode;
        break;
      case 'tls-failed':
        // A POP3S session whose handshake failed never was protected.
        this.tlsNow = 'none';
        break;
      case 'update':
        this.deletedNow = event.deleted;
        break;
      case 'reset':
        this.userNow = event.user;
        this.stateNow = event.state;
        this.tlsNow = event.tls;
        this.restartedAtNow = new Date(event.at);
        break;
      case 'session-end':
        this.endReasonNow = event.reason;
        this.endedAtMs = event.at;
        this.log.seal();
        break;
      case 'retrieve':
      case 'fault':
      case 'internal-error':
      case 'plaintext-dropped':
      case 'line-too-long':
      case 'session-start':
      case 'command':
      case 'sasl-response':
      case 'reply':
      case 'reply-unsent':
        break;
      default:
        assertNever(event);
    }
  }
}

/**
 * How a record's connection is protected when it opens: none at a session's
 * start, even on the POP3S port, where its `tls` event says when the
 * handshake completed (a client that never shakes hands was never
 * protected); at a `reset()`, the mode the session had reached.
 */
export function tlsAtStart(from: Extract<Pop3Event, { type: 'session-start' | 'reset' }>): TlsMode {
  return from.type === 'reset' ? from.tls : 'none';
}
