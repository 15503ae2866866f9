import { preciseNow } from '../clock';

/** How many command arrivals are kept: a remote wait's request comes within moments of its call. */
const KEPT = 4096;

/**
 * When the last commands arrived, to a fraction of a millisecond, for the
 * control API's `waitForCommand`: its remote caller sends when it made the
 * call, and a command recorded in that same millisecond may have come just
 * before the call or just after it; the millisecond alone cannot tell (a
 * wait that took the first would pass on a command sent earlier, and one
 * that left out the second missed three in ten commands sent right after
 * the call). Kept only while a control API is attached, in a ring of
 * {@link KEPT} arrivals: nothing per command otherwise.
 */
export class ArrivalTimes {
  private readonly sessions = new Int32Array(KEPT);
  private readonly indexes = new Int32Array(KEPT);
  private readonly times = new Float64Array(KEPT);
  private next = 0;
  /** Commands recorded per live session, as its record numbers them (1-based). */
  private readonly counts = new Map<number, number>();

  /** A command of `sessionId` was recorded now. */
  note(sessionId: number): void {
    const index = (this.counts.get(sessionId) ?? 0) + 1;
    this.counts.set(sessionId, index);
    const at = this.next;
    this.sessions[at] = sessionId;
    this.indexes[at] = index;
    this.times[at] = preciseNow();
    this.next = (at + 1) % KEPT;
  }

  /** The session ended: its count goes (its arrivals age out of the ring). */
  forget(sessionId: number): void {
    this.counts.delete(sessionId);
  }

  /**
   * reset() restarted the records: their commands are numbered from 1 again.
   * `heardCommandOf`: the session whose command a listener was hearing (the
   * last one noted), which its restarted record holds as its first.
   */
  restart(heardCommandOf?: number): void {
    this.counts.clear();
    if (heardCommandOf === undefined) return;
    this.counts.set(heardCommandOf, 1);
    this.indexes[(this.next - 1 + KEPT) % KEPT] = 1;
  }

  /**
   * Whether the command `index` of `sessionId` arrived after `since` (ms since
   * the epoch, with a fraction); false when its arrival is no longer kept.
   */
  arrivedAfter(sessionId: number, index: number, since: number): boolean {
    for (let n = 1; n <= KEPT; n++) {
      const at = (this.next - n + KEPT) % KEPT;
      if (this.sessions[at] === sessionId && this.indexes[at] === index) return this.times[at]! > since;
    }
    return false;
  }
}
