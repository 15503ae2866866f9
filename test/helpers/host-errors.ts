import { runInThisContext } from 'node:vm';

/** The real process (jest gives each test file its own `process` copy), e.g. for `getActiveResourcesInfo()`. */
export const hostProcess = runInThisContext('process') as NodeJS.Process;

/**
 * Fails a test file when any error reaches the host process. Jest gives each
 * test file its own `process`, whose listeners never hear the real process's
 * errors; the real one is the main context's global. Checked after every
 * test, and on demand with `expectNone()`.
 */
export function failOnHostErrors(): { expectNone(): Promise<void> } {
  const uncaught = jest.fn();
  const unhandled = jest.fn();
  const processes = [process, hostProcess];
  const expectNone = async () => {
    // Let a late error surface before checking.
    await new Promise((resolve) => setImmediate(resolve));
    expect(uncaught).not.toHaveBeenCalled();
    expect(unhandled).not.toHaveBeenCalled();
  };
  beforeAll(() => {
    for (const p of processes) {
      p.on('uncaughtException', uncaught);
      p.on('unhandledRejection', unhandled);
    }
  });
  afterAll(() => {
    for (const p of processes) {
      p.off('uncaughtException', uncaught);
      p.off('unhandledRejection', unhandled);
    }
  });
  beforeEach(() => {
    uncaught.mockClear();
    unhandled.mockClear();
  });
  afterEach(expectNone);
  return { expectNone };
}

/**
 * Listens for uncaught exceptions and unhandled rejections on the real
 * process (jest gives each test file its own `process` copy whose listeners
 * never hear the real one) and on jest's copy. Call `assertClean()` after
 * each run; `stop()` in afterAll.
 */
export function watchHost() {
  const seen: string[] = [];
  const onUncaught = (error: unknown) => seen.push(`uncaughtException: ${String(error)}`);
  const onUnhandled = (reason: unknown) => seen.push(`unhandledRejection: ${String(reason)}`);
  const host = hostProcess;
  const processes = host === process ? [process] : [process, host];
  for (const p of processes) {
    p.on('uncaughtException', onUncaught);
    p.on('unhandledRejection', onUnhandled);
  }
  return {
    host,
    async assertClean(): Promise<void> {
      // Let a late error (a rejected promise, an 'error' event) surface first.
      await new Promise((resolve) => setImmediate(resolve));
      if (seen.length > 0) throw new Error(`escaped into the host process: ${seen.splice(0).join('; ')}`);
    },
    stop(): void {
      for (const p of processes) {
        p.off('uncaughtException', onUncaught);
        p.off('unhandledRejection', onUnhandled);
      }
    },
  };
}
