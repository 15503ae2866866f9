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
   * The ring read once (a replay or a remote wait looks up many events):
   * when each kept event and command was recorded, and which sessions have
   * one recorded at or after `since` (ms since the epoch, with a fraction).
   */
  keptSince(since: number): KeptTimes {
    const sessions = new Set<number>();
    for (let slot = 0; slot < KEPT; slot++) {
      if (this.sessions[slot] !== 0 && this.times[slot]! >= since) sessions.add(this.sessions[slot]!);
    }
    // Session ids start at 1: an empty oldest slot means the ring never wrapped, and holds every event.
    const oldest = this.next;
    const complete = this.sessions[oldest] === 0 || this.times[oldest]! < since;
    // Each map made when first asked for: a replay looks up events, a wait commands.
    let events: Map<string, number> | undefined;
    let commands: Map<string, number> | undefined;
    // Kept: its real time. Not kept: before `since` if the ring reaches back to it, else its record's time.
    const timeOf = (times: Map<string, number>, sessionId: number, number: number, recordedAt: number) =>
      times.get(`${sessionId} ${number}`) ?? (complete ? undefined : recordedAt);
    return {
      eventAt: (sessionId, number, recordedAt) => {
        events ??= this.timesBy(this.numbers);
        return timeOf(events, sessionId, number, recordedAt);
      },
      commandAt: (sessionId, number, recordedAt) => {
        commands ??= this.timesBy(this.commandNumbers);
        return timeOf(commands, sessionId, number, recordedAt);
      },
      sessions: complete ? sessions : undefined,
    };
  }

  /** The kept times by session and number in `numbers` (0: none). */
  private timesBy(numbers: Int32Array): Map<string, number> {
    const times = new Map<string, number>();
    // Oldest first: a slot written again later (after a reset's renumbering) wins.
    for (let n = KEPT; n >= 1; n--) {
      const slot = (this.next - n + KEPT) % KEPT;
      if (this.sessions[slot] !== 0 && numbers[slot] !== 0)
        times.set(`${this.sessions[slot]} ${numbers[slot]}`, this.times[slot]!);
    }
    return times;
  }
}

/** When events were recorded, to a fraction of a millisecond, as {@link PreciseTimes.keptSince} read them. */
export interface KeptTimes {
  /**
   * When event `number` (1-based) of `sessionId` was recorded, as well as can
   * be told: its kept real time; for one not kept, undefined when the kept
   * times reach back to `since` (it came before), else `recordedAt` (its
   * record's own time, on the server's clock).
   */
  eventAt(sessionId: number, number: number, recordedAt: number): number | undefined;
  /** The same for command `number` (1-based, among its record's commands: `LocatedCommand.index`). */
  commandAt(sessionId: number, number: number, recordedAt: number): number | undefined;
  /**
   * The sessions with an event recorded at or after `since`, when every such
   * event is kept: an event not kept was then recorded before `since`,
   * whatever the server's clock said. Undefined when the ring does not reach
   * back to `since`: then only the events' own times can tell.
   */
  readonly sessions: ReadonlySet<number> | undefined;
}
