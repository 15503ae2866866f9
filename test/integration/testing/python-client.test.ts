import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleSource } from '../../helpers/bundle-src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';

/*
 * The Python helper (clients/python) is proven by its own pytest suite, run
 * the way a user runs it: pip installs the package offline (no index, no
 * build isolation) into a folder of its own, so the suite imports the
 * installed copy and pytest loads the fixtures from its entry point, and
 * the user's Python environment is left alone. The CLI is bundled from the
 * current sources, as python-guide.test.ts does.
 */

const root = resolve(__dirname, '../../..');
let workDir: string;
let python: string;
let removeBundle = () => {};

beforeAll(async () => {
  python = await pythonExecutable();
  workDir = mkdtempSync(join(tmpdir(), 'pop3-mock-python-client-'));
  // A copy: the build must not write into the repository.
  cpSync(join(root, 'clients', 'python'), join(workDir, 'source'), {
    recursive: true,
    filter: (path) => !path.includes('__pycache__'),
  });
}, 10_000);

afterAll(() => {
  removeBundle();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function runPython(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      python,
      args,
      { cwd: root, encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

test('pop3-mock-client installs offline and its pytest suite passes against the CLI', async () => {
  const site = join(workDir, 'site');
  // Other pytest plugins of the user's environment stay out (`-p no:NAME` each): this suite
  // uses none, and one (hypothesis) added over a second to the run. The helper's own plugin
  // is still loaded from its entry point, as a user's pytest loads it. The CLI is bundled,
  // the package installed and the plugins listed at once: none needs another.
  const [bundle, install, plugins] = await Promise.all([
    bundleSource('cli.ts', 'cli.js'),
    runPython([
      '-m',
      'pip',
      'install',
      '--no-index',
      '--no-build-isolation',
      '--no-deps',
      '--quiet',
      '--disable-pip-version-check',
      '--target',
      site,
      join(workDir, 'source'),
    ]),
    runPython([
      '-c',
      "import importlib.metadata as m; print(' '.join(e.name for e in m.entry_points(group='pytest11')))",
    ]),
  ]);
  removeBundle = bundle.remove;
  // pip says nothing with --quiet but its warning about running as root (in CI containers).
  const complaints = install.output.replace(/^WARNING: Running pip as.*\n/m, '');
  expect({ code: install.code, complaints }).toEqual({ code: 0, complaints: '' });
  expect(plugins.code).toBe(0);
  const others = plugins.output.split(/\s+/).filter((name) => name !== '' && name !== 'pop3_mock');
  // The test files in two pytest runs at once, taken in turn by name: a run spends much of its time
  // waiting for the CLIs it starts, so two overlap well (one run: 10.3 s wall for 6.9 s of CPU).
  // Each run has its own session server, as a user's pytest -n would. The first run is given the
  // folder less the second's files, so whatever else pytest collects there (a subfolder, a
  // *_test.py file) still runs, once.
  const tests = join('clients', 'python', 'tests');
  const second = readdirSync(join(root, tests))
    .filter((name) => /^test_.*\.py$/.test(name))
    .sort()
    .filter((_, i) => i % 2 === 1)
    .map((name) => join(tests, name));
  const shards = [[tests, ...second.map((file) => `--ignore=${file}`)], second];
  const runs = await Promise.all(
    shards.map((shard) =>
      runPython(
        // -B: no __pycache__ in the repository; no cache provider: no .pytest_cache either.
        [
          '-B',
          '-m',
          'pytest',
          '-q',
          '-p',
          'no:cacheprovider',
          ...others.flatMap((name) => ['-p', `no:${name}`]),
          ...shard,
        ],
        { PYTHONPATH: site, POP3_MOCK_CLI: bundle.file },
      ),
    ),
  );
  // pytest's summary line names every outcome: only "N passed" (no failed, error, skipped or warnings).
  const summaries = runs.map((run) => run.output.trim().split('\n').at(-1) ?? '');
  for (const summary of summaries) expect(summary).toMatch(/^(\d+) passed in [\d.]+s/);
  // The suite's size when this was written: a lost test file shows.
  const passed = summaries.reduce((sum, summary) => sum + Number(/^(\d+) passed/.exec(summary)?.[1]), 0);
  expect(passed).toBeGreaterThanOrEqual(62);
  expect(runs.map((run) => run.code)).toEqual([0, 0]);
}, 120_000);
