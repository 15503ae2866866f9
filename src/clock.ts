import { clearTimeout as clearNodeTimeout, setTimeout as setNodeTimeout } from 'node:timers';

/** A timer started by a {@link Clock}; `cancel()` is safe to call twice. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time as the server sees it: delays, autologout, LOGIN-DELAY. Inject one to
 * drive the mock with fake time. The default takes its timers from
 * `node:timers`, so a test's `jest.useFakeTimers()` does not freeze the mock
 * by accident, and unrefs them, so no timer of the mock keeps a process alive.
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

export const systemClock: Clock = {
  now: () => Date.now(),
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
