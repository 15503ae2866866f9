#!/usr/bin/env node
// Proves the package as users get it: builds it, packs the tarball once,
// installs it into each consumer project of this folder and runs that
// project's tests, then checks the package with @arethetypeswrong/cli and
// publint, the README's links against the tarball (readme-links.mjs) and the
// shared library chunk (one-library-copy.mjs). Exits non-zero, with a
// summary, when anything fails.
//
//   node test/package/run.mjs                 (npm run test:package)
//   node test/package/run.mjs esm vitest      (only these consumers)
//
// The build goes to a temporary folder, not dist/: other test suites read
// dist/ while this runs. Consumers declare no dependencies of their own:
// jest, vitest, ts-jest, typescript and node-pop3 resolve from the
// repository's node_modules by walking up; only the tarball is installed
// (`npm install --no-save`, so a stale copy is never reused from a lockfile).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** The consumer projects: folder, what it proves; `fresh`: a jest cache of its own. */
const CONSUMERS = [
  { dir: 'cjs-jest', what: 'CommonJS, jest + ts-jest (type-checked)' },
  { dir: 'esm', what: 'ES modules in plain node, tsc on the .d.mts types' },
  { dir: 'dual-jest-types', what: '.ts (CJS) and .mts in one tsc, no skipLibCheck' },
  { dir: 'vitest', what: 'vitest with globals' },
  { dir: 'node-test', what: 'node:test, CommonJS' },
  // A fresh cache: with timings of an earlier run, jest would run two fast files in band.
  { dir: 'jest-global-setup', what: 'jest globalSetup, 2 workers, control channel', fresh: true },
  { dir: 'doc-examples', what: 'README.md and docs/*.md ```ts blocks type-check' },
];

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !CONSUMERS.some((c) => c.dir === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown consumer ${unknown.join(', ')} (known: ${CONSUMERS.map((c) => c.dir).join(', ')})\n`,
  );
  process.exit(2);
}
const consumers = chosen.length === 0 ? CONSUMERS : CONSUMERS.filter((c) => chosen.includes(c.dir));

const STEP_TIMEOUT_MS = 120_000;
/** Consumers installed and tested at once: more than the CPUs only makes each slower. */
const PARALLEL = Math.max(2, availableParallelism());
const started = Date.now();
const results = [];
const stage = mkdtempSync(join(tmpdir(), 'pop3-mock-pack-'));

/** Runs a command; resolves with its exit code and output, never rejects. */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n[run.mjs] killed after ${STEP_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, STEP_TIMEOUT_MS);
    child.on('error', (error) => {
      output += `\n[run.mjs] ${error.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** Runs a step and records it; returns whether it passed. */
async function step(name, command, args, cwd) {
  const t0 = Date.now();
  const { code, output } = await run(command, args, cwd);
  const passed = code === 0;
  results.push({
    name,
    passed,
    seconds: (Date.now() - t0) / 1000,
    output,
    command: [command, ...args].join(' '),
  });
  process.stdout.write(`${passed ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  return passed;
}

/** Runs `task` for every item, at most PARALLEL at a time; results in item order. */
async function pooled(items, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return results;
}

function summary() {
  const failed = results.filter((r) => !r.passed);
  for (const r of failed) {
    process.stdout.write(`\n---- ${r.name} failed: ${r.command}\n${r.output.trimEnd()}\n`);
  }
  process.stdout.write('\nSummary\n');
  for (const r of results) {
    process.stdout.write(
      `  ${r.passed ? 'ok  ' : 'FAIL'} ${r.name.padEnd(66)} ${r.seconds.toFixed(1).padStart(5)} s\n`,
    );
  }
  const total = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    failed.length === 0
      ? `\nAll ${results.length} package checks passed in ${total} s.\n`
      : `\n${failed.length} of ${results.length} package checks failed (${total} s).\n`,
  );
  return failed.length === 0 ? 0 : 1;
}

async function main() {
  // 1. Build into the staging folder and pack from there, once, with what
  // package.json's `files` ships (dist/ is built there).
  const shipped = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files ?? [];
  for (const entry of ['package.json', 'LICENSE', ...shipped.filter((f) => f !== 'dist')]) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true });
  }
  if (!(await step('build (tsup)', bin('tsup'), ['--out-dir', join(stage, 'dist')], root))) return summary();
  // --ignore-scripts: dist/ is built above; the staging folder has no sources for prepack's build.
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', stage], stage);
  let tarball;
  try {
    tarball = join(stage, JSON.parse(packed.output.slice(packed.output.indexOf('[')))[0].filename);
  } catch {
    results.push({ name: 'npm pack', passed: false, seconds: 0, output: packed.output, command: 'npm pack' });
    return summary();
  }
  results.push({
    name: `npm pack (${relative(stage, tarball)})`,
    passed: true,
    seconds: 0,
    output: '',
    command: '',
  });
  process.stdout.write(`ok   npm pack: ${tarball}\n`);

  // 2. Install the tarball into every consumer, then run their tests (a few at a time).
  const installed = await pooled(consumers, ({ dir }) =>
    step(
      `install into ${dir}`,
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', tarball],
      join(here, dir),
    ),
  );
  await pooled(consumers, ({ dir, what, fresh }, i) => {
    if (!installed[i]) return undefined;
    const extra = fresh ? ['--', '--cacheDirectory', join(stage, `jest-cache-${dir}`)] : [];
    return step(`${dir}: ${what}`, 'npm', ['test', '--silent', ...extra], join(here, dir));
  });

  // 3. The package's types, metadata and contents.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // node10 resolution ("moduleResolution": "node", deprecated in TypeScript 6)
  // ignores `exports`, so it finds the subpath types only through `typesVersions`.
  const attwArgs = pkg.typesVersions ? [tarball] : [tarball, '--profile', 'node16'];
  await Promise.all([
    step(`attw${pkg.typesVersions ? '' : ' --profile node16'}`, bin('attw'), attwArgs, root),
    step('publint --strict', bin('publint'), ['--strict', stage], root),
    step(
      'README links resolve in the tarball',
      process.execPath,
      [join(here, 'readme-links.mjs'), tarball],
      root,
    ),
    step(
      'one copy of the library per module format',
      process.execPath,
      [join(here, 'one-library-copy.mjs'), tarball],
      root,
    ),
    step(
      'the CommonJS build keeps ?., ?? and class fields',
      process.execPath,
      [join(here, 'cjs-syntax-kept.mjs'), tarball],
      root,
    ),
    step(
      'zod bundled with its English locale only',
      process.execPath,
      [join(here, 'zod-english-only.mjs'), tarball],
      root,
    ),
  ]);
  return summary();
}

let code = 1;
try {
  code = await main();
} finally {
  rmSync(stage, { recursive: true, force: true });
}
process.exitCode = code;
