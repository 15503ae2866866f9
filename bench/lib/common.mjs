// Shared helpers for the benchmarks: flags, statistics, tables, machine info,
// process memory, and loading the built package.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(BENCH_DIR, '..', 'dist', 'index.mjs');

/** Command-line flags shared by every script: `--quick`, `--json FILE`. */
export function flags(argv = process.argv.slice(2)) {
  const jsonAt = argv.indexOf('--json');
  return {
    quick: argv.includes('--quick'),
    json: jsonAt === -1 ? undefined : argv[jsonAt + 1],
  };
}

/**
 * Memory figures need `global.gc()`. When a script is started without
 * `--expose-gc`, run it again with the flag (same arguments) and exit with
 * its status. Call this first, before any work.
 */
export function ensureGc(scriptUrl) {
  if (typeof globalThis.gc === 'function') return;
  const script = fileURLToPath(scriptUrl);
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, script, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

/**
 * The built package (`npx tsup` first): its ES module entry, or with `cjs`
 * its CommonJS one (see {@link loadBuild}).
 */
export async function loadPackage({ cjs = false } = {}) {
  if (!existsSync(DIST)) {
    console.error(`bench: ${DIST} is missing; build the package first with: npx tsup`);
    process.exit(2);
  }
  return loadBuild(dirname(DIST), { cjs });
}

/**
 * A build in the dist folder `dir`: its ES module entry (`index.mjs`), or
 * with `cjs` its CommonJS one (`index.js`: what jest and other `require()`
 * users load).
 */
export async function loadBuild(dir, { cjs = false } = {}) {
  if (cjs) return createRequire(import.meta.url)(resolve(dir, 'index.js'));
  return import(pathToFileURL(resolve(dir, 'index.mjs')).href);
}

/** Full garbage collection, twice (weak callbacks and finalizers run in between). */
export async function fullGc() {
  globalThis.gc();
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
}

/** Process memory after a full GC. */
export async function memoryAfterGc() {
  await fullGc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? Number.NaN : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  // Quartiles by the nearest rank: the middle half of the values lies between them.
  const rank = (q) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  return { median, min: sorted[0], max: sorted[n - 1], n, q1: rank(0.25), q3: rank(0.75) };
}

/** A number with a sensible amount of digits. */
export function num(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (digits !== undefined) return value.toFixed(digits);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function kib(bytes) {
  return bytes / 1024;
}

export function mib(bytes) {
  return bytes / (1024 * 1024);
}

export function machine() {
  let cpu = 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return { nproc: availableParallelism(), cpu, node: process.version };
}

/**
 * One result row. `floor` is the median of the floor measured in the same
 * run; `ratio` is mock / floor (for rates, higher is better; for times and
 * sizes, lower is better, as the target says).
 */
/**
 * One row of a results table. `met`: true, false, or `'unclear'` when the
 * rounds of a noisy measure fall on both sides of its target (see
 * {@link verdictOf}).
 */
export function row(fields) {
  return {
    measure: fields.measure,
    unit: fields.unit ?? '',
    median: fields.median,
    min: fields.min,
    max: fields.max,
    floor: fields.floor,
    ratio: fields.ratio,
    target: fields.target ?? '',
    met: fields.met,
    note: fields.note ?? '',
  };
}

/**
 * Whether a cost measured in rounds is under `limit`: yes only when every
 * round is, no only when none is, else `'unclear'`: a median of rounds that
 * spread over tens of points would say yes or no by chance.
 */
export function verdictOf({ min, max }, limit) {
  if (max < limit) return true;
  if (min >= limit) return false;
  return 'unclear';
}

/**
 * A row from mock and floor samples; `better` says which way the ratio should
 * go. With `paired`, sample i of mock and floor were measured next to each
 * other (same round), and the ratio is the median of the per-round ratios,
 * which drifts less with the load of other processes than a ratio of medians.
 */
export function compareRow({ measure, unit, mock, floor, target, limit, better, note, paired }) {
  const m = stats(mock);
  const f = floor ? stats(floor) : undefined;
  let ratio = f ? m.median / f.median : undefined;
  let spread = '';
  if (f && paired) {
    // Each round's ratio, so a machine that slows down for a while slows both sides of a pair.
    const ratios = stats(mock.map((x, i) => x / floor[i]));
    ratio = ratios.median;
    spread = `paired ratios: middle half ${num(ratios.q1, 2)}-${num(ratios.q3, 2)}x of ${ratios.n}`;
  }
  let met;
  if (limit !== undefined && ratio !== undefined) met = better === 'higher' ? ratio >= limit : ratio <= limit;
  return row({
    measure,
    unit,
    median: m.median,
    min: m.min,
    max: m.max,
    floor: f?.median,
    ratio,
    target,
    met,
    note: [note, spread].filter(Boolean).join('; '),
  });
}

const HEADER = ['measure', 'unit', 'median', 'min', 'max', 'floor', 'ratio', 'target', 'met?', 'note'];

function cells(r) {
  return [
    r.measure,
    r.unit,
    num(r.median),
    num(r.min),
    num(r.max),
    num(r.floor),
    r.ratio === undefined ? '–' : `${num(r.ratio, 2)}x`,
    r.target || '–',
    r.met === undefined ? '–' : r.met === 'unclear' ? 'unclear' : r.met ? 'yes' : 'NO',
    r.note,
  ];
}

/** Markdown table of rows. */
export function markdownTable(rows) {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${cells(r).join(' | ')} |`);
  return lines.join('\n');
}

/** Prints the rows of one script and writes them as JSON when `--json FILE` was given. */
export function report(name, rows, options) {
  console.log(`\n## ${name}\n`);
  console.log(markdownTable(rows));
  console.log('');
  if (options.json) writeFileSync(options.json, JSON.stringify({ name, rows }, null, 2));
}

export function log(...args) {
  console.error(...args);
}
