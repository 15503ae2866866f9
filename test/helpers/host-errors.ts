import { runInThisContext } from 'node:vm';

/**
 * Fails a test file when any error reaches the host process. Jest gives each
 * test file its own `process`, whose listeners never hear the real process's
 * errors; the real one is the main context's global. Checked after every
 * test, and on demand with `expectNone()`.
 */
export function failOnHostErrors(): { expectNone(): Promise<void> } {
  const uncaught = jest.fn();
  const unhandled = jest.fn();
  const hostProcess = runInThisContext('process') as NodeJS.Process;
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
