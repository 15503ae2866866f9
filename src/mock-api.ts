import type { BuiltRule } from './faults/builder';
import type { RuleStatus } from './faults/engine';
import type { FaultRuleInput } from './faults/rule';
import type { MessageSource } from './fixtures/types';
import type { UserOptions } from './options';
import type { JsonOptions, TranscriptExport } from './transcript/json-export';
import type { CommandPattern } from './transcript/pattern';
import type { SessionFilter } from './transcript/query';
import type { RenderOptions } from './transcript/render';
import type { DroppedSessions } from './transcript/retention';
import type { SessionRecord } from './transcript/session-record';
import type {
  MailboxOutcome,
  SessionWaitOptions,
  WaitForCommandOptions,
  WaitTimeout,
} from './transcript/transcript-api';
import type { VerifyOptions } from './transcript/verify';
import type { LocatedCommand, Pop3Event, Pop3EventType } from './vocabulary';

/**
 * `local`: the server in this process (`startPop3Mock`), answers at once.
 * `remote`: a server in another process over the control API
 * (`connectPop3Mock`), answers as promises.
 */
export type Where = 'local' | 'remote';

/** `T` in process, `Promise<T>` over the wire. `await` works on both. */
export type Answer<W extends Where, T> = W extends 'local' ? T : Promise<T>;

/** A message as both sides list it. In process, `MessageInfo` adds the bytes (a copy). */
export interface MessageSummary {
  readonly number: number;
  readonly uid: string;
  /** Octets as LIST reports them. */
  readonly size: number;
  readonly deliveredAt: Date;
}

/** A message removed at UPDATE, as both sides list it. In process, `DeletedMessage` adds the bytes (unless let go: see `keepSessions`). */
export interface DeletedSummary {
  readonly uid: string;
  readonly size: number;
  readonly deletedAt: Date;
  /** The id of the session whose QUIT removed it. */
  readonly sessionId: number;
}

/** A rule as `use()` stored it. */
export interface AddedRule {
  readonly id: string;
  /** The rule in one sentence, as `explain()` writes it. */
  readonly explain: string;
}

/** One user's mailbox: read it, reset it, deliver to it. */
export interface MailboxApi<W extends Where> {
  readonly user: string;
  /** The messages now, numbered as a session opened now would see them. */
  messages(): Answer<W, readonly MessageSummary[]>;
  /** Messages removed at UPDATE, oldest first. */
  deleted(): Answer<W, readonly DeletedSummary[]>;
  /** The bytes RETR sends for message `number` (before dot-stuffing): a new Buffer each call, to read or change. */
  raw(number: number): Answer<W, Buffer>;
  /** Back to the seeded messages. */
  reset(): Answer<W, void>;
  /**
   * Adds messages; they show from the next session on (RFC 1939 §4). Resolves
   * with the messages added, as `messages()` lists them. Remotely, a `Date` or
   * a `Buffer` among nodemailer fields is an `InputError` (see `Pop3MockApi.deliver`).
   */
  deliver(messages: MessageSource | readonly MessageSource[]): Promise<readonly MessageSummary[]>;
}

/** A pattern that can cross the wire: a string or a RegExp. In process a predicate works too. */
export type PatternOf<W extends Where> = W extends 'local' ? CommandPattern : string | RegExp;

/**
 * What a test can ask of a mock POP3 server, in process ({@link Pop3Mock})
 * or in another process ({@link RemotePop3Mock}): the same names, argument
 * types, return shapes and errors, async where the wire makes it so. Each
 * call checks its arguments with the same code on both sides
 * (`schema/api-calls.ts`), so a bad argument is the same `InputError`,
 * named by the call and path; a user, message or session the server does
 * not hold is a `NotFoundError`; the other errors (`VerificationError`,
 * `WaitTimeoutError`, `WaitCancelledError`, `UserLoggedInError`,
 * `FixtureError`, `ServerClosedError`) cross the wire as themselves. Records that come over the
 * wire are real `SessionRecord`s (dates as `Date`, `commands()` callable,
 * real values, printed forms masked), so the jest matchers take either;
 * but each is the session as the server answered: one of a live session
 * does not grow with it, as an in-process record does (ask again, or wait
 * for `sessionEnd()`, before judging what the session did).
 *
 * What cannot cross the wire, refused by an `InputError` naming it: a
 * predicate pattern (use a string or RegExp), a function `oauthToken`. A
 * `Dialect` or `Clock` object is an option of the server's start, not of
 * this API. `waitFor` and `on` work remotely through the server's event
 * stream, with events as the stream carries them (secrets masked).
 */
export interface Pop3MockApi<W extends Where> {
  /** The address the POP3 server listens on. */
  readonly host: string;
  readonly port: number;
  /** The implicit-TLS (POP3S) port, when on. */
  readonly tlsPort: number | undefined;
  /** The SMTP intake port, when on. */
  readonly smtpPort: number | undefined;
  /** The SMTP intake's implicit-TLS (SMTPS) port, when on. */
  readonly smtpTlsPort: number | undefined;
  /** `pop3://host:port`. */
  readonly url: string;
  /** How many ended sessions the transcripts keep (`keepSessions`); `'all'`: no limit. */
  readonly keepSessions: number | 'all';
  /** The control API's base URL, when on. */
  readonly controlUrl: string | undefined;
  /**
   * The CA a client should trust for STLS and POP3S (`tls.connect({ ca })`,
   * `curl --cacert`). Throws when the server has no TLS (`tls: false`).
   */
  readonly tls: { readonly ca: string };

  /** User names, in the order they were added. */
  users(): Answer<W, string[]>;
  /**
   * Adds a user (or replaces one that is not logged in); resolves with its
   * mailbox. While a session is logged in as the user it throws a
   * `UserLoggedInError` (over HTTP a 409) and changes nothing. Remotely, a
   * `Date` or a `Buffer` among nodemailer fields of `messages` is an
   * `InputError` (see {@link Pop3MockApi.deliver}).
   */
  addUser(user: string, options: UserOptions | string): Promise<MailboxApi<W>>;
  /**
   * Removes a user; false when there was none (a name no user can have is an
   * `InputError`). While a session is logged in as the user it throws a
   * `UserLoggedInError` (over HTTP a 409) and changes nothing, as `addUser()` does.
   */
  removeUser(user: string): Answer<W, boolean>;
  /** A user's mailbox. For an unknown user it throws a `NotFoundError` at once in process; remotely its first call rejects with one. */
  mailbox(user: string): MailboxApi<W>;
  /**
   * Delivers messages to a user's mailbox, seen from the next session on;
   * resolves with the messages added, as `messages()` lists them. Remotely, a
   * `Date` or a `Buffer` among nodemailer fields is an `InputError` (JSON
   * would change it): give `date.toUTCString()`, or base64 text with
   * `encoding: 'base64'` (the same fields give the same bytes on both sides).
   */
  deliver(
    user: string,
    messages: MessageSource | readonly MessageSource[],
  ): Promise<readonly MessageSummary[]>;
  /** A user's mailbox now, what UPDATE removed from it and what its sessions retrieved; a `NotFoundError` for an unknown user. */
  outcome(user: string): Answer<W, MailboxOutcome>;

  /** Adds fault rules (all or none), active when the promise resolves. */
  use(...rules: FaultRuleInput[]): Promise<readonly AddedRule[]>;
  /** Every rule with its hits, in the order they are checked (the newest `use()` first); `rule.explain()` works on both sides. */
  rules(): Answer<W, readonly RuleStatus[]>;
  /** Rules that never fired. */
  pendingRules(): Answer<W, readonly BuiltRule[]>;
  /** Removes one rule; false when there was none (an id no rule can have is an `InputError`). */
  removeRule(id: string): Answer<W, boolean>;

  /** Sessions matching `filter` (all by default), oldest first, live ones included (remotely, as they were when the server answered). */
  listSessions(filter?: SessionFilter): Answer<W, readonly SessionRecord[]>;
  /** Ended sessions `filter` selects whose records were dropped (`keepSessions`); undefined when none. */
  droppedSessions(filter?: SessionFilter): Answer<W, DroppedSessions | undefined>;
  /** Commands received, as `'RETR 1'`, secrets masked. */
  commands(filter?: SessionFilter): Answer<W, string[]>;
  /** Sessions as `C:`/`S:` text, secrets masked. */
  transcript(options?: RenderOptions & SessionFilter): Answer<W, string>;
  /** Sessions as plain data for a JSON file. */
  exportTranscripts(options?: JsonOptions & SessionFilter): Answer<W, TranscriptExport>;
  /**
   * How many commands matched; throws (rejects) a `VerificationError` naming
   * the closest ones when the count is wrong, or saying it cannot tell when
   * dropped sessions could change the count or the filter names a user or
   * session the server never had.
   */
  verify(pattern: PatternOf<W>, options?: VerifyOptions): Answer<W, number>;

  /**
   * The next session to connect; with `since`, the first session with a
   * greater id (now, if it has begun). In process the record goes on
   * recording the session; remotely it is the session at its start, until
   * `sessionEnd(record)` brings it to the end.
   */
  nextSession(options?: SessionWaitOptions): Promise<SessionRecord>;
  /**
   * A session's end (now, if it has ended): a record or an id; default the
   * latest session, or with `since` the first after it (`since` beside a
   * record or an id is an `InputError`: it would be ignored). An id the server
   * does not hold (never begun, or dropped) is a `NotFoundError`. Across a
   * `reset()` it resolves with the session's restarted record. Given a
   * record, it resolves with that record, holding the whole session: in
   * process it is live; remotely the events it lacked are added to it (a
   * record of the session from before a `reset()` is not: a new one comes).
   */
  sessionEnd(session?: SessionRecord | number, options?: SessionWaitOptions): Promise<SessionRecord>;
  /**
   * The next command matching `pattern`, as recorded on arrival: before its
   * reply, so `reply` is undefined (remotely too, for one answered while the
   * request travelled). With `includePast`, one received before the call comes
   * with its reply.
   */
  waitForCommand(pattern: PatternOf<W>, options?: WaitForCommandOptions): Promise<LocatedCommand>;
  /** The first event matching `predicate`. */
  waitFor(predicate: (event: Pop3Event) => boolean, options?: WaitTimeout): Promise<Pop3Event>;
  /** Listens to events (`'*'` for all); returns a function that stops listening. */
  on(type: Pop3EventType | '*', listener: (event: Pop3Event) => void): () => void;

  /**
   * Mailboxes as seeded, run-time rules removed, transcripts forgotten; the
   * delays and hangs of fault rules released. A pending `waitFor...` goes on,
   * and sees only what comes after the reset. A session open across it keeps
   * its snapshot, but its deletions do not reach the seeded mailbox: a
   * session a test left open never deletes the next test's mail.
   */
  reset(): Promise<void>;
  /**
   * In process: stops the server; its records stay readable, and a call that
   * would change it (`use()`, `addUser()`, `removeUser()`, `deliver()`, a
   * mailbox's `reset()` and `deliver()`, `reset()`, `removeRule()`, `on()`)
   * is a `ServerClosedError` naming the call. Remotely: stops listening to
   * its events (the server runs on). A remote call that reaches the control
   * API while its server closes is that `ServerClosedError` too (a 410); one
   * made once it has closed finds no control API: a `ControlError` with
   * `status` 0. A remote client that hears its server close (the event
   * stream's last word) cancels its pending `waitFor()`s with the
   * `WaitCancelledError` an in-process wait gets, and after it cancels a
   * new `waitFor()` and refuses `on()` (a `ServerClosedError`), as in process.
   */
  close(): Promise<void>;
}
