import type { Clock, TimerHandle } from '../clock';

/** Who is told when the period passes without activity (the session). */
export interface IdleWatcher {
  idleExpired(): void;
}

/**
 * The autologout timer of one session (RFC 1939 §3: any command restarts
 * the period). `touch()` only notes the time: the one timer, when it fires
 * early, waits for the rest of the period. A timer made and cancelled per
 * command was a tenth of a pipelined session's cost.
 */
export class IdleTimer {
  private timer: TimerHandle | undefined;
  private lastActivity = 0;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly watcher: IdleWatcher,
  ) {}

  /** Something happened: the period starts again now. */
  touch(): void {
    this.lastActivity = this.clock.now();
    if (!this.timer) this.arm(this.periodMs);
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const left = this.lastActivity + this.periodMs - this.clock.now();
      if (left > 0) this.arm(left);
      else this.watcher.idleExpired();
    }, ms);
  }
}
