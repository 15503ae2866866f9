// `npm run bench`: every measure in sequence, each in its own Node process
// (started with --expose-gc), then one summary table.
//
//   node bench/run.mjs [--quick] [--only a,c] [--out FILE.md]
//
// --quick   fewer cycles and shorter runs (about a minute in all)
// --only    a subset, by letter: a lifecycle, b sessions, c retr,
//           d idle-memory, e large-mailbox, f overhead, g certificates,
//           h cold-start, i soak (100,000 sessions through the CLI),
//           j deletions (a mailbox fed and emptied, with keepSessions)
// --out     also write the summary (machine + table) as Markdown to FILE
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, DIST, machine, markdownTable, num } from './lib/common.mjs';

const MEASURES = [
  { key: 'a', script: 'lifecycle.mjs' },
  // The CommonJS build, what jest loads, in a process of its own (lifecycle.mjs).
  { key: 'a', script: 'lifecycle.mjs', args: ['--cjs'] },
  { key: 'b', script: 'sessions.mjs' },
  { key: 'c', script: 'retr.mjs' },
  { key: 'd', script: 'idle-memory.mjs' },
  { key: 'e', script: 'large-mailbox.mjs' },
  { key: 'f', script: 'overhead.mjs' },
  { key: 'g', script: 'certificates.mjs' },
  { key: 'h', script: 'cold-start.mjs' },
  { key: 'i', script: 'soak.mjs' },
  { key: 'j', script: 'deletions.mjs' },
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const flagValue = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const only = flagValue('--only')?.split(',');
const out = flagValue('--out');

if (!existsSync(DIST)) {
  console.error(`bench: ${DIST} is missing; build the package first with: npx tsup`);
  process.exit(2);
}

const m = machine();
const startLoad = loadavg()[0];
console.log(`# pop3-mock benchmarks${quick ? ' (--quick)' : ''}`);
console.log(`\n${m.nproc} CPUs (${m.cpu}), Node ${m.node}, load average at start ${num(startLoad, 2)}`);

const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-bench-'));
const sections = [];
const failed = [];
const t0 = performance.now();
try {
  for (const [index, { key, script, args: extra = [] }] of MEASURES.entries()) {
    if (only && !only.includes(key)) continue;
    const json = join(dir, `${index}.json`);
    const args = ['--expose-gc', join(BENCH_DIR, script), ...extra, '--json', json];
    if (quick) args.push('--quick');
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0) {
      failed.push(`${script} (exit ${result.status ?? result.signal})`);
      continue;
    }
    const { name, rows } = JSON.parse(readFileSync(json, 'utf8'));
    sections.push({ name, rows, seconds, load: loadavg()[0] });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const minutes = (performance.now() - t0) / 60000;

const lines = [
  `Machine: ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, Node ${m.node}.`,
  `Load average (1 min) at start ${num(startLoad, 2)}, at end ${num(loadavg()[0], 2)}; total ${num(minutes, 1)} min${quick ? ' (--quick)' : ''}.`,
  '',
  markdownTable(
    sections.flatMap((s) => [
      {
        measure: `**${s.name}**`,
        unit: '',
        target: '',
        note: `${num(s.seconds, 0)} s; load average after: ${num(s.load, 2)}`,
      },
      ...s.rows,
    ]),
  ),
];
console.log('\n# Summary\n');
console.log(lines.join('\n'));
const missed = sections.flatMap((s) => s.rows.filter((r) => r.met === false).map((r) => r.measure));
if (missed.length)
  console.log(`\nTargets missed: ${missed.length}\n${missed.map((x) => `- ${x}`).join('\n')}`);
const unclear = sections.flatMap((s) => s.rows.filter((r) => r.met === 'unclear').map((r) => r.measure));
if (unclear.length)
  console.log(
    `\nTargets unclear (rounds on both sides): ${unclear.length}\n${unclear.map((x) => `- ${x}`).join('\n')}`,
  );
if (failed.length) console.log(`\nFailed: ${failed.join(', ')}`);
if (out) writeFileSync(out, `${lines.join('\n')}\n`);
process.exitCode = failed.length ? 1 : 0;
