import { preciseNow } from '../clock';

/** How many events' times are kept: a remote call's request, or its stream's replay, comes within moments of the call. */
const KEPT = 8192;

/**
 * When the last events were recorded, to a fraction of a millisecond, for
 * the control API. A remote caller sends when it made its call, and an
 * event recorded in that same millisecond may have come just before the
 * call or just after it; the millisecond alone cannot tell (a wait that
 * took the first passed on a command sent earlier, and one that left out
 * the second missed three in ten commands sent right after the call). The
 * event stream stamps each event with this time, and `waitForCommand`
 * orders commands by it. Kept only while a control API is attached, in a
 * ring of {@link KEPT} events: nothing per event otherwise.
 *
 * An event is known by its session and its number in the session's record
 * (1-based, as `record.events` numbers them from 0); a command also by its
 * number among the record's commands (`LocatedCommand.index`).
 */
export class PreciseTimes {
  private readonly sessions = new Int32Array(KEPT);
  private readonly numbers = new Int32Array(KEPT);
  /** The command's number among its record's commands; 0 for an event of another type. */
  private readonly commandNumbers = new Int32Array(KEPT);
  private readonly times = new Float64Array(KEPT);
  private next = 0;
  /** Events and commands recorded per live session, as its record numbers them. */
  private readonly counts = new Map<number, { events: number; commands: number }>();

  /** An event of `sessionId` was recorded: at `at` (now, unless it is an event recorded again); returns the time kept. */
  note(sessionId: number, isCommand: boolean, at = preciseNow()): number {
    let count = this.counts.get(sessionId);
    if (count === undefined) {
      count = { events: 0, commands: 0 };
      this.counts.set(sessionId, count);
    }
    const slot = this.next;
    this.sessions[slot] = sessionId;
    this.numbers[slot] = ++count.events;
    this.commandNumbers[slot] = isCommand ? ++count.commands : 0;
    this.times[slot] = at;
    this.next = (slot + 1) % KEPT;
    return at;
  }

  /** The session ended: its counts go (its times age out of the ring). */
  forget(sessionId: number): void {
    this.counts.delete(sessionId);
  }

  /** reset() restarts the records: the events recorded next are numbered from 1 again. */
  restart(): void {
    this.counts.clear();
  }

  /**
   * When each kept event was recorded, looked up by session and number
   * (undefined when no longer kept): the ring read once, for a replay of
   * many events.
   */
  timesOfEvents(): (sessionId: number, number: number) => number | undefined {
    const times = new Map<string, number>();
    // Oldest first: a slot written again later (after a reset's renumbering) wins.
    for (let n = KEPT; n >= 1; n--) {
      const slot = (this.next - n + KEPT) % KEPT;
      if (this.sessions[slot] !== 0)
        times.set(`${this.sessions[slot]} ${this.numbers[slot]}`, this.times[slot]!);
    }
    return (sessionId, number) => times.get(`${sessionId} ${number}`);
  }

  /**
   * Whether command `index` of `sessionId` arrived after `since` (ms since
   * the epoch, with a fraction); false when its time is no longer kept.
   */
  commandArrivedAfter(sessionId: number, index: number, since: number): boolean {
    const slot = this.find(sessionId, index, this.commandNumbers);
    return slot !== undefined && this.times[slot]! > since;
  }

  /** The newest slot holding number `number` of `sessionId` in `numbers`. */
  private find(sessionId: number, number: number, numbers: Int32Array): number | undefined {
    for (let n = 1; n <= KEPT; n++) {
      const slot = (this.next - n + KEPT) % KEPT;
      if (this.sessions[slot] === sessionId && numbers[slot] === number) return slot;
    }
    return undefined;
  }
}
