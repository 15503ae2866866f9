import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleSource } from '../../helpers/bundle-src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';

// docs/PYTHON.md is proven by running its suite, examples/python/test_fetch.py,
// against the CLI bundled from the current sources (as cli.test.ts does, so
// a stale dist/ cannot pass or fail it).

const root = resolve(__dirname, '../../..');
const suiteDir = join(root, 'examples', 'python');
let workDir: string;
let cliPath: string;

beforeAll(async () => {
  const [bundle] = await Promise.all([bundleSource('cli.ts', 'cli.js'), pythonExecutable()]);
  workDir = bundle.dir;
  cliPath = bundle.file;
}, 10_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('the Python unittest suite of docs/PYTHON.md passes against the CLI', async () => {
  const python = await pythonExecutable();
  const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
    execFile(
      python,
      // -B: no __pycache__ in the examples folder.
      ['-B', '-m', 'unittest', '-v', 'test_fetch'],
      { cwd: suiteDir, encoding: 'utf8', timeout: 20_000, env: { ...process.env, POP3_MOCK_CLI: cliPath } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  expect(output).toMatch(/\nRan 5 tests in [\d.]+s\n\nOK\n/);
  for (const name of [
    'test_fetches_every_message_byte_for_byte',
    'test_retries_a_temporary_error_once',
    'test_a_permanent_error_is_not_retried',
    'test_a_failed_verification_names_the_closest_commands',
    'test_stls_against_the_ca_file_of_the_ready_line',
  ]) {
    expect(output).toContain(`${name} (test_fetch.FetchTest.${name}) ... ok`);
  }
  expect(code).toBe(0);
});
