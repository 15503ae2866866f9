import { startPop3Mock } from '../assembly/start-pop3-mock';
import type { Pop3MockOptions } from '../options';
import { checkUsePop3MockSettings } from '../schema/api-calls';
import type { Pop3Mock } from '../server/pop3-mock';
import { ServerClosedError } from '../server/server-closed-error';

/** A test runner's hook function: jest's, vitest's or node:test's `beforeAll`/`before`, ... */
// biome-ignore lint/suspicious/noExplicitAny: each runner types its hook callbacks differently.
export type HookFunction = (fn: (...args: any[]) => unknown, ...rest: any[]) => unknown;

/** When the transcript is printed after a test. */
export type PrintTranscript = 'failed' | 'always' | 'never';

/** How {@link usePop3Mock} hooks into the runner. Every field is optional. */
export interface UsePop3MockSettings {
  /** Runs once before the file's tests. Default: the global `beforeAll` (jest, vitest with `globals`). */
  before?: HookFunction;
  /** Runs once after the file's tests. Default: the global `afterAll`. */
  after?: HookFunction;
  /** Runs after each test. Default: the global `afterEach`. */
  afterEach?: HookFunction;
  /**
   * Runs before each test. Default: the global `beforeEach`. Only counts the
   * tests running, so that tests run at once fail instead of one's reset
   * wiping what another is checking (pass node:test's to get that there).
   */
  beforeEach?: HookFunction;
  /** Same as `before` (vitest's and jest's name). */
  beforeAll?: HookFunction;
  /** Same as `after`. */
  afterAll?: HookFunction;
  /**
   * When to print the transcript (secrets masked) after a test: `failed`
   * (default), `always` or `never`. The environment variable
   * `POP3_MOCK_PRINT` overrides it.
   */
  printTranscript?: PrintTranscript;
  /** Where the transcript goes. Default: stderr. */
  print?: (text: string) => void;
  /** Reset the server (mailboxes as seeded, transcripts and run-time faults cleared) after each test. Default true. */
  resetAfterEach?: boolean;
}

/** What {@link usePop3Mock} returns; the server exists from the first hook to the last. */
export interface Pop3MockHandle {
  /** The running server; throws outside the file's tests and hooks. */
  readonly current: Pop3Mock;
}

/**
 * One server per test file: started before the file's tests, reset after
 * each test, closed after the last. When a test fails, the sessions it ran
 * are printed as a `C:`/`S:` transcript (secrets masked).
 *
 * jest and vitest (with `globals: true`) find the hooks on their own; for
 * node:test, or vitest without globals, pass them.
 *
 * For tests that run one at a time (the default of every runner). Tests run
 * at once (vitest's `concurrent`, node:test's `concurrency`) share the one
 * server, and the reset after one would wipe what another checks: such a
 * test fails, saying so. jest's `test.concurrent` runs no hooks at all, so
 * nothing is reset and nothing can tell: give each such test its own
 * server (`startPop3Mock()`) or user (`createIsolatedUser()`).
 *
 * @example
 * // jest, vitest with globals
 * const pop3 = usePop3Mock({ users: { alice: { password: 'secret', messages: ['fixtures/a.eml'] } } });
 * test('fetches', async () => { await fetchMail(pop3.current.port); });
 *
 * @example
 * // node:test
 * import { before, after, afterEach, test } from 'node:test';
 * const pop3 = usePop3Mock({ users: { alice: 'secret' } }, { before, after, afterEach });
 *
 * @example
 * // vitest without globals
 * import { beforeAll, afterAll, afterEach } from 'vitest';
 * const pop3 = usePop3Mock(options, { beforeAll, afterAll, afterEach });
 */
export function usePop3Mock(
  options: Pop3MockOptions = {},
  settings: UsePop3MockSettings = {},
): Pop3MockHandle {
  const { printFromEnv } = checkUsePop3MockSettings(settings);
  const globals = globalThis as Record<string, unknown>;
  const pick = (...candidates: unknown[]) =>
    candidates.find((c): c is HookFunction => typeof c === 'function');
  const before = pick(settings.before, settings.beforeAll, globals.beforeAll, globals.before);
  const after = pick(settings.after, settings.afterAll, globals.afterAll, globals.after);
  const afterEach = pick(settings.afterEach, globals.afterEach);
  // The global one only beside the global afterEach: a count begun by one runner's hooks and ended by another's is none.
  const beforeEach = pick(
    settings.beforeEach,
    settings.afterEach === undefined ? globals.beforeEach : undefined,
  );
  if (!before || !after || !afterEach) {
    throw new Error(
      'pop3-mock: usePop3Mock found no beforeAll/afterAll/afterEach hooks. For node:test pass them: ' +
        "usePop3Mock(options, { before, after, afterEach }) with the functions from 'node:test'; " +
        "for vitest without globals: usePop3Mock(options, { beforeAll, afterAll, afterEach }) from 'vitest'",
    );
  }
  const print = settings.print ?? ((text: string) => void process.stderr.write(text));
  let pop3: Pop3Mock | undefined;

  // Functions that declare no parameters: jest takes a hook with one as
  // callback-style (`done`), and vitest requires it to be a destructuring
  // pattern. The context (vitest, node:test) is read from `arguments`.
  before(async function startServer() {
    pop3 = await startPop3Mock(options);
  });
  // Tests begun and not yet ended: more than one at a reset is tests run at once.
  let running = 0;
  beforeEach?.(async function countTest() {
    running++;
  });
  afterEach(async function resetServer() {
    const together = running;
    running = Math.max(0, running - 1);
    if (!pop3) return;
    if (together > 1) {
      throw new Error(
        `pop3-mock: usePop3Mock: ${together} tests ran at once on its one server, and the reset after each would wipe what the others check (their transcripts, mailboxes and faults). Run them one at a time, or give each its own server (startPop3Mock()) or user (createIsolatedUser()).`,
      );
    }
    // POP3_MOCK_PRINT overrides the setting.
    const mode = printFromEnv ?? settings.printTranscript ?? 'failed';
    // biome-ignore lint/complexity/noArguments: see above; a parameter would change how the runner calls the hook.
    const outcome = testOutcome(arguments[0]);
    if (mode === 'always' || (mode === 'failed' && outcome.failed)) print(report(pop3, outcome));
    // A server a test closed (on purpose: its clients' handling of a shutdown) has nothing to reset.
    if (settings.resetAfterEach ?? true) await pop3.reset().catch(unlessClosed);
  });
  after(async function closeServer() {
    const closing = pop3;
    pop3 = undefined;
    await closing?.close();
  });

  return {
    get current(): Pop3Mock {
      if (!pop3) {
        throw new Error(
          'pop3-mock: usePop3Mock(): the server runs only during the tests of the file; read .current inside a test or hook',
        );
      }
      return pop3;
    },
  };
}

interface Outcome {
  /** True when the test failed; undefined when the runner does not tell. */
  failed: boolean | undefined;
  name: string | undefined;
}

/**
 * Whether the test that just ran failed, from what the runner hands the
 * `afterEach` hook: vitest a context with `task.result.state`, node:test its
 * `TestContext` with `passed`. jest hands nothing: its test state is read from
 * jest-circus (the errors recorded for the running test).
 */
export function testOutcome(context: unknown): Outcome {
  // vitest's context is a function object.
  const ctx = (
    (typeof context === 'object' || typeof context === 'function') && context !== null ? context : {}
  ) as {
    task?: { name?: string; result?: { state?: string } };
    passed?: unknown;
    name?: unknown;
  };
  if (ctx.task && typeof ctx.task === 'object') {
    const state = ctx.task.result?.state;
    return { failed: state === undefined ? undefined : state === 'fail', name: ctx.task.name };
  }
  if (typeof ctx.passed === 'boolean') {
    return { failed: !ctx.passed, name: typeof ctx.name === 'string' ? ctx.name : undefined };
  }
  const circus = jestCircusTest();
  if (circus) return { failed: circus.errors.length > 0, name: circus.name };
  return { failed: undefined, name: undefined };
}

/** jest-circus keeps its state on the global object under `Symbol('JEST_STATE_SYMBOL')`. */
function jestCircusTest(): { errors: unknown[]; name: string } | undefined {
  const symbol = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
  if (!symbol) return undefined;
  const state = (globalThis as Record<symbol, unknown>)[symbol] as {
    currentlyRunningTest?: { errors?: unknown; name?: unknown } | null;
  };
  const test = state?.currentlyRunningTest;
  if (!test || !Array.isArray(test.errors)) return undefined;
  return { errors: test.errors, name: typeof test.name === 'string' ? test.name : '' };
}

function report(pop3: Pop3Mock, outcome: Outcome): string {
  const what = outcome.failed ? 'failed test' : 'test';
  const name = outcome.name ? ` ${JSON.stringify(outcome.name)}` : '';
  if (pop3.sessions.length === 0) return `pop3-mock: ${what}${name}: no POP3 session was opened\n`;
  return `pop3-mock: sessions of ${what}${name} (secrets masked):\n${pop3.transcript()}\n`;
}

/** Rethrows `error` unless it is the {@link ServerClosedError} of a server already closed. */
function unlessClosed(error: unknown): void {
  if (!(error instanceof ServerClosedError)) throw error;
}
