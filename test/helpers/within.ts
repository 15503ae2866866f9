// node:timers: a test's fake timers must not freeze the wait that bounds it.
import { clearTimeout, setTimeout } from 'node:timers';

/** Rejects if `promise` has not settled within `ms` (keeps a hung wait from eating the jest timeout, and lets the test's `finally` close what it opened). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
