import type { Clock, TimerHandle } from '../../src/clock';

/**
 * A clock moved by hand, for the mock's `clock` option (see src/clock.ts):
 * `now()` starts at `start` and changes only in `advance()`, which runs the
 * timers that fall due, earliest first. Lets a test check autologout,
 * LOGIN-DELAY, EXPIRE or a wait's timeout without waiting.
 */
export class FakeClock implements Clock {
  private time: number;
  private readonly timers = new Set<{ due: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { due: this.time + ms, callback };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Moves time on by `ms` and runs the timers due by then; a timer cancelled by an earlier one does not run. */
  advance(ms: number): void {
    this.time += ms;
    const due = [...this.timers].filter((t) => t.due <= this.time).sort((a, b) => a.due - b.due);
    for (const t of due) {
      if (!this.timers.delete(t)) continue;
      t.callback();
    }
  }

  /** Timers started and neither run nor cancelled. */
  pending(): number {
    return this.timers.size;
  }
}
