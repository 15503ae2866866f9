import { type FilteredSession, type SessionFilter, usersOf } from './query';
import { printable } from './render';

/**
 * Ended sessions whose records the recorder let go of (`keepSessions`),
 * since the start or the last `reset()`. Ids are never reused or renumbered:
 * a session begun since then that is missing, with an id up to `lastId`, was dropped.
 */
export interface DroppedSessions {
  /** How many ended sessions were dropped. */
  readonly sessions: number;
  /** The highest id among them. */
  readonly lastId: number;
  /** The `keepSessions` limit: how many ended sessions are kept. */
  readonly keep: number;
}

/** What the recorder keeps of a dropped record: who, not what. */
interface Tally {
  sessions: number;
  lastId: number;
}

/**
 * What the recorder remembers of the sessions it dropped: counts, the
 * newest id, and the same per user, so a query scoped to a user knows
 * whether that user lost any (a map of a few numbers per user name).
 */
export class DropLedger {
  private all: Tally = { sessions: 0, lastId: 0 };
  private byUser = new Map<string, Tally>();
  /** Ids forgotten by the last `reset()` are at most this; a dropped one among them is listed. */
  private forgottenUpTo = 0;
  private droppedAmongForgotten = new Set<number>();

  constructor(readonly keep: number) {}

  /** Notes one dropped record, under each user a `{ user }` filter would have selected it for. */
  note(record: FilteredSession): void {
    add(this.all, record.id);
    for (const user of usersOf(record)) {
      let tally = this.byUser.get(user);
      if (!tally) {
        tally = { sessions: 0, lastId: 0 };
        this.byUser.set(user, tally);
      }
      add(tally, record.id);
    }
    // A live session's record restarted by reset() keeps its old, low id.
    if (record.id <= this.forgottenUpTo) this.droppedAmongForgotten.add(record.id);
  }

  /** `reset()` forgot every record, the highest id kept being `highestKept`: the drops start over. */
  clear(highestKept: number): void {
    this.forgottenUpTo = Math.max(this.forgottenUpTo, highestKept, this.all.lastId);
    this.all = { sessions: 0, lastId: 0 };
    this.byUser = new Map();
    this.droppedAmongForgotten = new Set();
  }

  /**
   * The dropped sessions `filter` would have selected; undefined when none.
   * `isKept(id)` says whether a record of that id is still there.
   */
  within(filter: SessionFilter, isKept: (id: number) => boolean): DroppedSessions | undefined {
    const { sessionId, user } = filter;
    if (sessionId !== undefined) {
      if (!this.wasDropped(sessionId, isKept)) return undefined;
      // One session: whether it was that user's is not kept, so a user filter does not narrow it.
      return { sessions: 1, lastId: sessionId, keep: this.keep };
    }
    const tally = user === undefined ? this.all : this.byUser.get(user);
    if (!tally || tally.sessions === 0) return undefined;
    return { sessions: tally.sessions, lastId: tally.lastId, keep: this.keep };
  }

  private wasDropped(id: number, isKept: (id: number) => boolean): boolean {
    if (id > this.all.lastId || isKept(id)) return false;
    return id > this.forgottenUpTo || this.droppedAmongForgotten.has(id);
  }
}

function add(tally: Tally, id: number): void {
  tally.sessions++;
  tally.lastId = Math.max(tally.lastId, id);
}

/**
 * One sentence on what was dropped, for every printed view: `4 ended sessions
 * were dropped, the newest of them session 1240 (keepSessions: 1000 keeps
 * the newest ended sessions)`. With `stable`, no session id.
 */
export function describeDropped(
  dropped: DroppedSessions,
  options: { filter?: SessionFilter; stable?: boolean } = {},
): string {
  const { filter = {}, stable = false } = options;
  const why = keepReason(dropped);
  if (filter.sessionId !== undefined)
    return `${stable ? 'the session' : `session ${filter.sessionId}`} ended and was dropped ${why}`;
  const count = dropped.sessions === 1 ? '1 ended session' : `${dropped.sessions} ended sessions`;
  const of = filter.user === undefined ? '' : ` of user ${printable(JSON.stringify(filter.user))}`;
  const newest = stable ? '' : `, the newest of them session ${dropped.lastId}`;
  return `${count}${of} ${dropped.sessions === 1 ? 'was' : 'were'} dropped${newest} ${why}`;
}

/** `no session 7`, and why when it was dropped: the error of a lookup by id. */
export function noSession(
  id: number,
  dropped: DroppedSessions | undefined,
  forgottenByReset = false,
): string {
  if (dropped) return `no session ${id}: it ended and its record was dropped ${keepReason(dropped)}`;
  return `no session ${id}${forgottenByReset ? ': it ended before reset(), which forgets ended sessions' : ''}`;
}

const keepReason = (dropped: DroppedSessions) =>
  `(keepSessions: ${dropped.keep} keeps the newest ended sessions)`;
