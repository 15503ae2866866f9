import { performance } from 'node:perf_hooks';
import { clearTimeout as clearNodeTimeout, setTimeout as setNodeTimeout } from 'node:timers';

/** A timer started by a {@link Clock}; `cancel()` is safe to call twice. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time as the server sees it: delays, autologout, LOGIN-DELAY. Inject one to
 * drive the mock with fake time. The default reads the time from
 * `node:perf_hooks` and takes its timers from `node:timers`, which
 * `jest.useFakeTimers()` and `vi.useFakeTimers()` leave alone (they fake the
 * test's `Date`, `performance` and timers), so a test's fake timers do not
 * freeze the mock by accident; and it unrefs its timers, so no timer of the
 * mock keeps a process alive. node:test's `mock.timers` fakes `node:timers`
 * itself: enable only its `Date` there, or give the mock a clock.
 */
export interface Clock {
  /**
   * Milliseconds, as `Date.now()`. A session reads it once for the commands
   * it runs in one go (lines that arrived together) and gives that reading to
   * everything they cause in that turn; after a command that waited, it reads
   * it again.
   */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
}

/** A node:timers timer as a handle: one small object, no closure (one per pending delay, and one per clock's idle sweep). */
class NodeTimer implements TimerHandle {
  constructor(private readonly timer: ReturnType<typeof setNodeTimeout>) {}
  cancel(): void {
    clearNodeTimeout(this.timer);
  }
}

/**
 * Milliseconds since the epoch, as `Date.now()` gives them, from a source a
 * test's fake timers leave alone (`node:perf_hooks`, not the test's `Date`):
 * the mock's clock, and the times a remote client sends the server.
 */
export function realNow(): number {
  return Math.floor(preciseNow());
}

/** {@link realNow} to a fraction of a millisecond: to order what happened within one. */
export function preciseNow(): number {
  return TIME_ORIGIN + performance.now();
}
// Read once: each clock reading (one per stretch of commands) then costs one performance.now().
const TIME_ORIGIN = performance.timeOrigin;

export const systemClock: Clock = {
  now: realNow,
  setTimeout(callback, ms) {
    return new NodeTimer(setNodeTimeout(callback, ms).unref());
  },
};

/** Resolves after `ms` on the given clock; `signal` aborts the wait (resolving `false`). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
