import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServerClosedError } from '../../../src';
import { testOutcome, usePop3Mock } from '../../../src/testing/use-pop3-mock';
import { bundleSource } from '../../helpers/bundle-src';
import { RawClient } from '../../helpers/raw-client';

const root = resolve(__dirname, '../../..');
const fixtures = join(__dirname, 'fixtures', 'use-pop3-mock');
const message = 'Subject: one\r\n\r\nbody\r\n';

describe('in this jest file', () => {
  const printed: string[] = [];
  const pop3 = usePop3Mock(
    { users: { alice: { password: 'secret', messages: [message] } } },
    { print: (text) => printed.push(text) },
  );

  test('the server runs during the tests; a test may change the mailbox', async () => {
    expect(pop3.current.users()).toEqual(['alice']);
    const client = await RawClient.login(pop3.current.port, 'alice', 'secret');
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    await client.command('QUIT');
    await pop3.current.sessionEnd();
    expect(pop3.current.mailbox('alice').messages()).toHaveLength(0);
  });

  test('the next test starts from the seed: mailbox restored, transcripts forgotten, nothing printed', () => {
    expect(pop3.current.mailbox('alice').messages()).toHaveLength(1);
    expect(pop3.current.sessions).toHaveLength(0);
    expect(printed).toEqual([]);
  });

  test('jest: the running test is read from jest-circus (not failed so far, its name)', () => {
    expect(testOutcome(undefined)).toEqual({
      failed: false,
      name: 'jest: the running test is read from jest-circus (not failed so far, its name)',
    });
  });
});

describe('a test that closes the server', () => {
  const pop3 = usePop3Mock({ users: { alice: 'secret' } });

  test('closes it: the reset after it has nothing to do and fails nothing (a ServerClosedError before)', async () => {
    await pop3.current.close();
    // What the afterEach's reset() meets; it must not fail the test.
    await expect(pop3.current.reset()).rejects.toBeInstanceOf(ServerClosedError);
  });
});

describe('printTranscript: always', () => {
  const printed: string[] = [];
  const pop3 = usePop3Mock(
    { users: { bob: { password: 'hidden-pw', messages: [message] } } },
    { print: (text) => printed.push(text), printTranscript: 'always' },
  );

  test('a passing test with a session', async () => {
    const client = await RawClient.login(pop3.current.port, 'bob', 'hidden-pw');
    await client.multi('RETR 1');
    await client.command('QUIT');
  });

  test('...is printed after it, secrets masked', () => {
    expect(printed).toHaveLength(1);
    const [text] = printed;
    expect(text).toMatch(
      /^pop3-mock: sessions of test "a passing test with a session" \(secrets masked\):\n/,
    );
    expect(text).toContain('C: RETR 1');
    expect(text).toContain('C: PASS ******');
    expect(text).not.toContain('hidden-pw');
  });
});

test('outside a test, .current says where the server can be read', () => {
  const noop = () => {};
  const handle = usePop3Mock({}, { before: noop, after: noop, afterEach: noop });
  expect(() => handle.current).toThrow(/runs only during the tests of the file/);
});

test('the outcome comes from vitest contexts and node:test contexts', () => {
  expect(testOutcome({ task: { name: 'v', result: { state: 'fail' } } })).toEqual({
    failed: true,
    name: 'v',
  });
  expect(testOutcome({ task: { name: 'v', result: { state: 'pass' } } })).toEqual({
    failed: false,
    name: 'v',
  });
  expect(testOutcome({ passed: false, name: 'n' })).toEqual({ failed: true, name: 'n' });
  expect(testOutcome({ passed: true, name: 'n' })).toEqual({ failed: false, name: 'n' });
});

// Each runner for real, in a child process, on a fixture with one passing and
// one failing test: the transcript is printed for the failing one only.

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      command,
      args,
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, ...env, POP3_MOCK_PRINT: '', FORCE_COLOR: '0', NO_COLOR: '1' },
      },
      (error, stdout, stderr) =>
        resolvePromise({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function expectOneFailureReport(output: string): void {
  const reports = output.split('pop3-mock: sessions of').length - 1;
  expect(reports).toBe(1);
  const report = output.slice(output.indexOf('pop3-mock: sessions of'));
  expect(report).toMatch(/^pop3-mock: sessions of failed test "fails on purpose" \(secrets masked\):\n/);
  expect(report).toContain('C: USER alice');
  expect(report).toContain('C: RETR 1');
  expect(output).not.toContain('fixture-secret');
  expect(output).not.toContain('"passes quietly" (secrets masked)');
}

// The four runs start together (about 2 s for the slowest); each test awaits its own.
const runs: Partial<Record<'jest' | 'vitest' | 'vitestConcurrent' | 'node', Promise<Run>>> = {};
let workDir: string | undefined;

beforeAll(async () => {
  // The fixtures are plain JavaScript, as a user's tests of a built package:
  // usePop3Mock comes from a bundle of the sources.
  const built = await bundleSource('testing/use-pop3-mock.ts', 'use-pop3-mock.cjs');
  workDir = built.dir;
  const bundle = built.file;
  const env = { POP3_MOCK_BUNDLE: bundle };
  const config = { rootDir: fixtures, testMatch: ['**/jest.fixture.cjs'], transform: {} };
  runs.jest = run(
    process.execPath,
    [join(root, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(config), '--ci'],
    env,
  );
  /** A child vitest over the fixture its config includes. */
  const vitest = (config: string) =>
    run(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        fixtures,
        '--config',
        join(fixtures, config),
      ],
      env,
    );
  runs.vitest = vitest('vitest.config.mjs');
  runs.node = run(process.execPath, [join(fixtures, 'node-test.fixture.cjs')], env);
  runs.vitestConcurrent = vitest('vitest-concurrent.config.mjs');
});

afterAll(async () => {
  await Promise.all(Object.values(runs));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('jest: a failing test prints its transcript, a passing one does not', async () => {
  const result = await runs.jest!;
  expect(result.stderr).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
  expect(result.code).toBe(1);
  expectOneFailureReport(result.stderr);
});

test('vitest: the afterEach context tells the failure', async () => {
  const result = await runs.vitest!;
  expect(`${result.stdout}${result.stderr}`).toMatch(/Tests\s+1 failed \| 1 passed \(2\)/);
  expect(result.code).toBe(1);
  expectOneFailureReport(result.stderr);
});

test('node:test: hooks passed in; the TestContext tells the failure', async () => {
  const result = await runs.node!;
  expect(result.stdout).toMatch(/# pass 2\n# fail 1\n/);
  expect(result.code).toBe(1);
  expectOneFailureReport(result.stderr);
});

test("vitest: tests run at once on one usePop3Mock server fail, saying so, instead of passing on each other's sessions", async () => {
  const result = await runs.vitestConcurrent!;
  const output = `${result.stdout}${result.stderr}`;
  expect(result.code).toBe(1);
  expect(output).toContain('pop3-mock: usePop3Mock: 2 tests ran at once on its one server');
});
