import { type InspectOptions, inspect } from 'node:util';
import type { LoadedMessage } from '../fixtures/types';
import { FixtureError } from '../fixtures/types';
import { isValidUid, type PreparedMessage, prepareMessage, type StoredMessage } from './message';

/** A message as the mailbox API shows it. `number` is its position in a session opened now. */
export interface MessageInfo {
  readonly number: number;
  readonly uid: string;
  /** Octets as LIST reports them. */
  readonly size: number;
  /**
   * The exact bytes RETR sends (before dot-stuffing), as a copy of their own:
   * made on the first read, then the same Buffer each time
   * (`info.bytes === info.bytes`). Writing to it changes nothing the server
   * sends, here or in another server of the process started with the same
   * fixture. It is a getter of the object's own (spreading, `toEqual` and
   * JSON see it as a field), so `console.log` prints `[Getter]` until it is read.
   */
  readonly bytes: Buffer;
  readonly deliveredAt: Date;
}

/** A message removed at the UPDATE of a session. */
export interface DeletedMessage {
  readonly uid: string;
  readonly size: number;
  /**
   * Its bytes, a copy as `MessageInfo.bytes` is (made on the first read);
   * undefined once the record of the session that deleted it was dropped
   * (`keepSessions`): what was deleted is still listed, its content is let
   * go, so a server fed and emptied for a long time does not keep every
   * message it ever held.
   */
  readonly bytes: Buffer | undefined;
  readonly deletedAt: Date;
  /** The id of the session whose QUIT removed it. */
  readonly sessionId: number;
}

/** A deletion as the mailbox keeps it: the bytes it held (shared, never handed out) until they are let go. */
interface Removal {
  readonly uid: string;
  readonly size: number;
  readonly wire: Buffer | undefined;
  readonly deletedAt: Date;
  readonly sessionId: number;
}

/** Where one session's UPDATE put its deletions in a mailbox's list: what lets go of their bytes later without a search. */
export interface DeletionPlace {
  readonly mailbox: Mailbox;
  /** The list it is in: `reset()` and `clear()` start a new one. */
  readonly generation: number;
  readonly from: number;
  readonly count: number;
}

/**
 * One user's maildrop as it lives between sessions. Sessions take a snapshot
 * of it at login (RFC 1939 §4), so a delivery shows up from the next session.
 */
export class Mailbox {
  private stored: StoredMessage[] = [];
  private usedUids = new Set<string>();
  private removed: Removal[] = [];
  /** Messages an UPDATE removed, as sessions' snapshots hold them; made at the first removal. */
  private expunged: WeakSet<StoredMessage> | undefined;
  private lockHolder: number | undefined;
  private seed: StoredMessage[] = [];
  /** OAuth bearer token for XOAUTH2/OAUTHBEARER: a fixed token, or a function that checks one. */
  oauthToken: string | ((token: string) => boolean) | undefined;
  /** When the last successful login happened (for LOGIN-DELAY). */
  lastLoginAt: number | undefined;

  /** Bumped when {@link Mailbox.removed} starts over, so an old {@link DeletionPlace} points nowhere. */
  private generation = 0;

  constructor(
    readonly user: string,
    /** The user's password for USER/PASS. */
    public password: string,
    private readonly now: () => number,
    /** Told where each session's deletions went (the server tracks them when `keepSessions` may drop the session). */
    private readonly onRemoved?: (place: DeletionPlace, sessionId: number) => void,
  ) {}

  /** `console.log` shows the mailbox without its password or token. */
  [inspect.custom](_depth: number, options: InspectOptions): string {
    const view = {
      user: this.user,
      messages: this.stored.length,
      deleted: this.removed.length,
      lockedBy: this.lockHolder,
    };
    return `Mailbox ${inspect(view, options)}`;
  }

  /**
   * Adds loaded messages at the end; returns the number of the first (see
   * {@link Mailbox.messagesFrom}: a start or an SMTP delivery lists nothing).
   * All or none: a uid refused for one message (taken, invalid, another's)
   * leaves the mailbox as it was.
   */
  add(loaded: readonly LoadedMessage[]): number {
    const deliveredAt = new Date(this.now());
    const prepared = loaded.map((m) => prepareMessage(m.raw, m.unchanging ?? false));
    const uids = this.assignUids(loaded, prepared);
    const added = prepared.map(({ wire, size, bodyStart, needsStuffing }, i): StoredMessage => {
      return { uid: uids[i]!, wire, size, bodyStart, needsStuffing, deliveredAt };
    });
    for (const uid of uids) this.usedUids.add(uid);
    const first = this.stored.length + 1;
    for (const message of added) this.stored.push(message);
    return first;
  }

  /** Makes the current messages the state that {@link Mailbox.reset} returns to. */
  markAsSeed(): void {
    this.seed = [...this.stored];
  }

  /**
   * Back to the seeded messages: deliveries, deletions and the last login
   * (LOGIN-DELAY's) are forgotten, so a test after a reset starts as the
   * first did; the lock is kept.
   */
  reset(): void {
    // New objects for the same bytes: a session open across the reset marked the old ones, and its
    // UPDATE (which removes only what the mailbox holds) must not empty the restored mailbox.
    this.stored = this.seed.map((m) => ({ ...m }));
    this.usedUids = new Set(this.seed.map((m) => m.uid));
    this.removed = [];
    this.lastLoginAt = undefined;
    this.generation++;
  }

  acceptsToken(token: string): boolean {
    const expected = this.oauthToken;
    if (expected === undefined) return false;
    return typeof expected === 'string' ? expected === token : expected(token);
  }

  /** Removes every message (they are not reported as deleted). */
  clear(): void {
    this.stored = [];
    this.usedUids.clear();
    this.removed = [];
    this.generation++;
  }

  /** The messages now, numbered as a session opened now would see them. */
  messages(): MessageInfo[] {
    return this.stored.map((m, i) => toInfo(m, i + 1));
  }

  /** The messages from number `first` on, as {@link Mailbox.messages} lists them. */
  messagesFrom(first: number): MessageInfo[] {
    return this.stored.slice(first - 1).map((m, i) => toInfo(m, first + i));
  }

  /** Messages removed at UPDATE, oldest first. */
  deleted(): DeletedMessage[] {
    return this.removed.map(toDeleted);
  }

  /**
   * The bytes held for a message, by its number now or its uid (in the
   * maildrop, else deleted; undefined once let go, or for no such message):
   * the shared Buffer, not a copy, for the server's own readers that only
   * send them (the control API, the browser view). Never hand it to a caller.
   */
  heldBytes(message: number | string): Buffer | undefined {
    if (typeof message === 'number') return this.stored[message - 1]?.wire;
    return (this.stored.find((m) => m.uid === message) ?? this.removed.find((m) => m.uid === message))?.wire;
  }

  /** Lets go of the bytes of the deletions at `place` (their session's record was dropped by `keepSessions`); the entries stay. */
  releaseDeletedBytes(place: DeletionPlace): void {
    if (place.generation !== this.generation) return;
    for (let i = place.from; i < place.from + place.count; i++) {
      const deleted = this.removed[i]!;
      if (deleted.wire !== undefined) this.removed[i] = { ...deleted, wire: undefined };
    }
  }

  /** The list a session works on: fixed at login. */
  snapshot(): readonly StoredMessage[] {
    return [...this.stored];
  }

  /**
   * Applies a session's deletions (UPDATE state) at `at`, the session's time;
   * returns those it removed. A message no longer held (another session's
   * UPDATE removed it under lock `'none'`, or `reset()` took it away) is not
   * removed again, nor listed as deleted a second time.
   */
  remove(messages: readonly StoredMessage[], sessionId: number, at: number): StoredMessage[] {
    if (messages.length === 0) return [];
    const marked = new Set(messages);
    const kept: StoredMessage[] = [];
    const gone: StoredMessage[] = [];
    for (const m of this.stored) (marked.has(m) ? gone : kept).push(m);
    if (gone.length === 0) return gone;
    const deletedAt = new Date(at);
    this.stored = kept;
    const from = this.removed.length;
    this.expunged ??= new WeakSet();
    for (const m of gone) {
      this.removed.push({ uid: m.uid, size: m.size, wire: m.wire, deletedAt, sessionId });
      this.expunged.add(m);
    }
    this.onRemoved?.({ mailbox: this, generation: this.generation, from, count: gone.length }, sessionId);
    return gone;
  }

  /**
   * Whether a session's UPDATE removed `message` (an object of a snapshot).
   * Not for what `reset()` or `clear()` took away: a session open across
   * them keeps its snapshot.
   */
  removedByUpdate(message: StoredMessage): boolean {
    return this.expunged?.has(message) ?? false;
  }

  /** Takes the maildrop lock for a session; false when another session holds it. */
  tryLock(sessionId: number): boolean {
    if (this.lockHolder !== undefined && this.lockHolder !== sessionId) return false;
    this.lockHolder = sessionId;
    return true;
  }

  unlock(sessionId: number): void {
    if (this.lockHolder === sessionId) this.lockHolder = undefined;
  }

  /** The id of the session holding the lock, if any. */
  get lockedBy(): number | undefined {
    return this.lockHolder;
  }

  // A content hash keeps uids stable across restarts; a suffix keeps them
  // unique when the same bytes are delivered twice or after a deletion
  // (RFC 1939 §7: never reused while the maildrop exists).
  /**
   * The uids of a batch, in its order; none is stored until all are found.
   * A given uid is checked against the whole batch, so whether a batch is
   * taken does not depend on the order of its messages: it may not be one
   * the mailbox holds, one given for another message, nor one another
   * message gets from its content (suffix included), which would otherwise
   * step aside or refuse it depending on which came first.
   */
  /** Which message of the mailbox has `uid`, in words: its number, or one deleted (uids are never reused). */
  private holderOf(uid: string): string {
    const at = this.stored.findIndex((m) => m.uid === uid);
    return at === -1 ? 'a message deleted before (RFC 1939 §7: a uid is not reused)' : `message ${at + 1}`;
  }

  private assignUids(loaded: readonly LoadedMessage[], prepared: readonly PreparedMessage[]): string[] {
    // Given uids by position; made only when some message has one.
    let given: Map<string, number> | undefined;
    loaded.forEach((m, i) => {
      if (m.uid === undefined) return;
      if (!isValidUid(m.uid)) {
        throw new FixtureError(
          `invalid uid ${JSON.stringify(m.uid)} for ${m.origin}: 1-70 characters 0x21-0x7E`,
        );
      }
      if (this.usedUids.has(m.uid)) {
        throw new FixtureError(
          `uid ${JSON.stringify(m.uid)} given for ${m.origin} (#${i + 1} of the messages added) is already used in mailbox ${this.user}, by ${this.holderOf(m.uid)}`,
        );
      }
      given ??= new Map();
      const other = given.get(m.uid);
      if (other !== undefined) {
        throw new FixtureError(
          `uid ${JSON.stringify(m.uid)} given for ${m.origin} (#${i + 1} of the messages added) is also given for ${loaded[other]!.origin} (#${other + 1})`,
        );
      }
      given.set(m.uid, i);
    });
    const derived = new Set<string>();
    return loaded.map((m, i) => {
      if (m.uid !== undefined) return m.uid;
      const base = prepared[i]!.contentUid;
      let uid = base;
      for (let n = 2; this.usedUids.has(uid) || derived.has(uid); n++) uid = `${base}-${n}`;
      const owner = given?.get(uid);
      if (owner !== undefined) {
        throw new FixtureError(
          `uid ${JSON.stringify(uid)} given for ${loaded[owner]!.origin} (#${owner + 1} of the messages added) is the uid ${m.origin} (#${i + 1}) gets from its content: two messages cannot share a uid; choose another`,
        );
      }
      derived.add(uid);
      return uid;
    });
  }
}

/**
 * A stored message as the API shows it. Its bytes are the process's (one
 * Buffer per fixture, for every server), so `bytes` is a copy, made on the
 * first read since most listings never read it: an own enumerable getter,
 * not a class's, so spreading, `toEqual` and JSON see it as a field.
 */
function toInfo(m: StoredMessage, number: number): MessageInfo {
  let copy: Buffer | undefined;
  return {
    number,
    uid: m.uid,
    size: m.size,
    get bytes() {
      copy ??= Buffer.from(m.wire);
      return copy;
    },
    // A Date can be set: each listing gets its own.
    deliveredAt: new Date(m.deliveredAt.getTime()),
  };
}

/** A deletion as the API shows it: `bytes` a copy, as {@link toInfo} makes it. */
function toDeleted({ uid, size, wire, deletedAt, sessionId }: Removal): DeletedMessage {
  let copy: Buffer | undefined;
  return {
    uid,
    size,
    get bytes() {
      if (wire !== undefined) copy ??= Buffer.from(wire);
      return copy;
    },
    deletedAt: new Date(deletedAt.getTime()),
    sessionId,
  };
}
