/**
 * A result that is there now, or later. The reply path returns the value
 * itself when nothing had to wait (the usual case: the socket took the bytes),
 * and a promise only when something did (backpressure, a fault's delay), so a
 * pipelined command costs no promise and no microtask per layer.
 */
export type Pending<T = void> = T | Promise<T>;

/**
 * Runs `next` on the value: at once if it is there, else when the promise
 * settles. The per-command path of a session (session.ts, reply-writer.ts)
 * writes the test out instead: there `next` would be a closure made for
 * every command, even when nothing waits.
 */
export function andThen<T, R>(value: Pending<T>, next: (value: T) => Pending<R>): Pending<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
