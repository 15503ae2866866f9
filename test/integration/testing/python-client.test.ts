import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
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
/**
 * The test files the second pytest run takes (see the test), about half the suite's time:
 * pytest --durations=0, one run, summed by file (s): start 1.1, events 1.1, parent_death 0.7,
 * retention 0.3, models, mailboxes and command_line 0.2 against guide 1.4, waits 1.4,
 * fixtures 1.0, verify and faults 0.1.
 */
const SECOND_RUN = [
  'test_command_line.py',
  'test_events.py',
  'test_mailboxes.py',
  'test_models.py',
  'test_parent_death.py',
  'test_retention.py',
  'test_start.py',
];
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
  // The test files in two pytest runs at once: a run spends much of its time waiting for the CLIs
  // it starts, so two overlap well (one run: 10.3 s wall for 6.9 s of CPU). Each run has its own
  // session server, as a user's pytest -n would. The second run takes SECOND_RUN, about half the
  // suite's time (taken in turn by name, one run had 7 s of it and the other 3); the first is given
  // the folder less those files, so whatever else pytest collects there (a new test file, a
  // subfolder) still runs, once. A file of SECOND_RUN that is gone fails the run (pytest: not found).
  const tests = join('clients', 'python', 'tests');
  const second = SECOND_RUN.map((name) => join(tests, name));
  const shards = [[tests, ...second.map((file) => `--ignore=${file}`)], second];
  // The plugins blocked through PYTEST_ADDOPTS, not the command line, so the pytest a test of the
  // suite starts itself (test_fixtures.py: a marker on the shared server) leaves them out too:
  // hypothesis took 1.2 s of its 1.6 s.
  const addopts = [process.env.PYTEST_ADDOPTS ?? '', ...others.map((name) => `-p no:${name}`)]
    .join(' ')
    .trim();
  const runs = await Promise.all(
    shards.map((shard) =>
      runPython(
        // -B: no __pycache__ in the repository; no cache provider: no .pytest_cache either.
        ['-B', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...shard],
        { PYTHONPATH: site, POP3_MOCK_CLI: bundle.file, PYTEST_ADDOPTS: addopts },
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
