import { type Clock, systemClock, type TimerHandle } from '../clock';

/** Who is told when the period passes without activity (the session). */
export interface IdleWatcher {
  idleExpired(): void;
}

/**
 * The autologout timer of one session (RFC 1939 §3: any command restarts
 * the period). `touch()` only notes the time: the sessions of a clock share
 * one clock timer ({@link IdleSweep}), set for the earliest end of a period.
 * A timer made and cancelled per command was a tenth of a pipelined
 * session's cost; one made and cancelled per session was a tenth of a
 * start-greeting-close cycle's (bench/README.md, 3 Dec 2026, fourth session).
 */
export class IdleTimer {
  private lastActivity = 0;
  private watched = false;
  private readonly sweep: IdleSweep;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly watcher: IdleWatcher,
  ) {
    this.sweep = sweepOf(clock);
  }

  /** When the period ends, unless something happens before. */
  get deadline(): number {
    return this.lastActivity + this.periodMs;
  }

  /** Something happened: the period starts again now (`at`, when the caller has read the clock). */
  touch(at = this.clock.now()): void {
    this.lastActivity = at;
    if (this.watched) return;
    this.watched = true;
    this.sweep.watch(this);
  }

  cancel(): void {
    if (!this.watched) return;
    this.watched = false;
    this.sweep.unwatch(this);
  }

  /** @internal The sweep found the period over. */
  expire(): void {
    this.watched = false;
    this.watcher.idleExpired();
  }
}

/**
 * The one clock timer of a clock's idle sessions, set for the earliest
 * deadline among them; when it fires it ends the periods that are over and
 * is set again for the next. With no session left it is cancelled, on
 * every clock: a timer left set (it lingered on the system clock, for the
 * next test's server) holds its callback's module scope, and in jest that is
 * the whole test file's module registry, kept for the ten minutes of the
 * period: some 2.7 MB per test file, a worker grown by hundreds of MB.
 */
class IdleSweep {
  private readonly timers = new Set<IdleTimer>();
  private handle: TimerHandle | undefined;
  /** When `handle` fires, on {@link timerNow}'s scale. */
  private due = Number.POSITIVE_INFINITY;
  /**
   * The time the clock's timers run on. The system clock's Node timers run on
   * elapsed time, not on `Date.now()`, which can jump (a clock set forward, a
   * test faking the date): compared on `now()`'s scale, a timer set before a
   * jump would look later or sooner than it is.
   */
  private readonly timerNow: () => number;

  constructor(private readonly clock: Clock) {
    this.timerNow = clock === systemClock ? () => performance.now() : () => clock.now();
  }

  watch(timer: IdleTimer): void {
    this.timers.add(timer);
    this.setFor(timer.deadline);
  }

  unwatch(timer: IdleTimer): void {
    this.timers.delete(timer);
    if (this.timers.size > 0) return;
    this.handle?.cancel();
    this.handle = undefined;
    this.due = Number.POSITIVE_INFINITY;
  }

  /** Makes the timer fire by `deadline` (on the clock's `now()` scale). */
  private setFor(deadline: number): void {
    const delay = Math.max(0, deadline - this.clock.now());
    const due = this.timerNow() + delay;
    if (this.handle && this.due <= due) return;
    this.handle?.cancel();
    this.due = due;
    this.handle = this.clock.setTimeout(() => this.sweep(), delay);
  }

  private sweep(): void {
    this.handle = undefined;
    this.due = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const over: IdleTimer[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const timer of this.timers) {
      const deadline = timer.deadline;
      if (deadline <= now) over.push(timer);
      else if (deadline < next) next = deadline;
    }
    for (const timer of over) this.timers.delete(timer);
    if (next !== Number.POSITIVE_INFINITY) this.setFor(next);
    // In the order their periods ended, as separate timers would have fired.
    over.sort((a, b) => a.deadline - b.deadline);
    for (const timer of over) {
      try {
        timer.expire();
      } catch (error) {
        // A session's autologout is its own: one that throws must not keep the others from theirs.
        console.error('[pop3-mock] an autologout threw:', error);
      }
    }
  }
}

const sweeps = new WeakMap<Clock, IdleSweep>();

function sweepOf(clock: Clock): IdleSweep {
  let sweep = sweeps.get(clock);
  if (sweep === undefined) {
    sweep = new IdleSweep(clock);
    sweeps.set(clock, sweep);
  }
  return sweep;
}
