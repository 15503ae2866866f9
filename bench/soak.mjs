// (i) Soak: 100,000 full POP3 sessions through the CLI, as a CLI left running
// for a day sees them. The built CLI (`node dist/cli.js`) runs as a child
// process with the example config (alice, bob and carol from
// examples/fixtures) and `--lock none`; the load generator (another child)
// drives 6 clients, two per user, each session greeting, USER, PASS, STAT,
// LIST, RETR 1, QUIT, lock-step.
//
// Memory is read after a warm-up (far more sessions than the CLI keeps, so
// the transcript recorder is full and V8's heap has grown to its working
// size) and at 10 checkpoints: the CLI's RSS as the kernel counts it (VmRSS
// of /proc/<pid>/status), then, asked over IPC (lib/memory-probe.cjs, loaded
// into the CLI with --require and --expose-gc), its RSS and heapUsed after a
// full collection. RSS as found swings by 10-20 MB with V8's collections; the
// note also gives its trend (least-squares slope over the checkpoints), and
// heapUsed after a collection is the figure a leak cannot hide in.
//
// Two runs, one after the other, each with a fresh CLI process:
//   - the CLI as shipped (keepSessions 1,000 by default): target RSS flat within 20 MB;
//   - the same with `--keep-sessions all` (retention off), shorter: the
//     baseline, growth per session without a bound.
// The ratio compares heap growth per 1,000 sessions of the two.
//
// Run: node bench/soak.mjs [--quick]   (--quick: 10,000 and 5,000 sessions)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadClient } from './lib/child.mjs';
import { BENCH_DIR, flags, log, num, report, row } from './lib/common.mjs';

const options = flags();
const ROOT = join(BENCH_DIR, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const PROBE = join(BENCH_DIR, 'lib', 'memory-probe.cjs');
const CONFIG = join(ROOT, 'examples', 'pop3-mock.config.json');
const USERS = [
  ['alice', 'alice-secret'],
  ['bob', 'bob-secret'],
  ['carol', 'carol-secret'],
];
const CONCURRENCY = 6;
const CHECKPOINTS = 10;
const WARM_UP = options.quick ? 5_000 : 20_000;
/** The target: RSS growth from the first figure to the last, in MB (10^6 octets). */
const TARGET_MB = 20;
const MB = 1e6;
const VARIANTS = [
  { name: 'CLI default (keepSessions 1,000)', flags: [], total: options.quick ? 10_000 : 100_000 },
  {
    name: 'retention off (--keep-sessions all)',
    flags: ['--keep-sessions', 'all'],
    total: options.quick ? 5_000 : 20_000,
  },
];

const SCRIPTS = USERS.map(([user, password]) => [
  { line: `USER ${user}`, multi: false },
  { line: `PASS ${password}`, multi: false },
  { line: 'STAT', multi: false },
  { line: 'LIST', multi: true },
  { line: 'RETR 1', multi: true },
  { line: 'QUIT', multi: false },
]);

if (!existsSync(CLI)) {
  console.error(`bench: ${CLI} is missing; build the package first with: npx tsup`);
  process.exit(2);
}

/** The CLI's resident set size in octets, as the kernel counts it. */
function rssOf(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line.split(/\s+/)[1]) * 1024;
}

/**
 * Starts the CLI (with the memory probe) and resolves with its ready line.
 * Its stderr (a line per login and per session end) is read and only the
 * last lines are kept, for a failure report; `--exit-on-stdin-close` stops
 * it when we end its stdin.
 */
function startCli(extraFlags) {
  const args = ['--expose-gc', '--require', PROBE, CLI, '--config', CONFIG, '--lock', 'none'];
  args.push('--exit-on-stdin-close', ...extraFlags);
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
  const tail = [];
  createInterface({ input: proc.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the CLI printed no ready line within 30 s')), 30_000);
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited (${code}) before it was ready:\n${tail.join('\n')}`));
    });
  });
  let nextId = 1;
  return {
    proc,
    ready,
    tail,
    /** The CLI's memory after a full collection, from the probe. */
    memory() {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no memory answer within 30 s')), 30_000);
        const onMessage = (msg) => {
          if (msg?.id !== id) return;
          clearTimeout(timer);
          proc.off('message', onMessage);
          resolve(msg.result);
        };
        proc.on('message', onMessage);
        proc.send({ id, op: 'memory' });
      });
    },
    async stop() {
      proc.stdin.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** What the control API says about dropped sessions (`GET /api/dropped-sessions`). */
async function droppedOf(ready) {
  const res = await fetch(`${ready.controlUrl}/api/dropped-sessions`, {
    headers: { authorization: `Bearer ${ready.controlToken}` },
  });
  if (!res.ok) throw new Error(`GET /api/dropped-sessions: ${res.status} ${await res.text()}`);
  return (await res.json()).dropped;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function sessions(client, port, total) {
  const r = await client.call(
    'sessions',
    { port, concurrency: CONCURRENCY, pipelined: false, total, scripts: SCRIPTS },
    // Bounded: even at 100 sessions/s a chunk ends well within this.
    Math.max(120_000, total * 10),
  );
  if (r.sessions + r.errors !== total)
    throw new Error(`${r.sessions + r.errors} sessions run, expected ${total}`);
  return r;
}

async function soak(client, variant) {
  const cli = startCli(variant.flags);
  try {
    const ready = await cli.ready;
    const pid = cli.proc.pid;
    log(`soak: ${variant.name}: warm-up, ${WARM_UP.toLocaleString('en-US')} sessions`);
    const warm = await sessions(client, ready.port, WARM_UP);
    const samples = { at: [], rss: [], rssAfterGc: [], heap: [] };
    const sample = async (at) => {
      await pause(200);
      samples.at.push(at);
      samples.rss.push(rssOf(pid));
      const memory = await cli.memory();
      samples.rssAfterGc.push(memory.rss);
      samples.heap.push(memory.heapUsed);
    };
    await sample(0);
    let errors = warm.errors;
    let done = 0;
    let elapsedMs = 0;
    const chunk = variant.total / CHECKPOINTS;
    for (let i = 0; i < CHECKPOINTS; i++) {
      const r = await sessions(client, ready.port, chunk);
      errors += r.errors;
      done += r.sessions;
      elapsedMs += r.elapsedMs;
      await sample(done + errors);
      log(
        `soak: ${variant.name}: ${(done + errors).toLocaleString('en-US')} sessions, RSS ${num(samples.rss.at(-1) / MB)} MB, ` +
          `after a full GC: RSS ${num(samples.rssAfterGc.at(-1) / MB)} MB, heapUsed ${num(samples.heap.at(-1) / MB)} MB`,
      );
    }
    const dropped = await droppedOf(ready);
    return { samples, errors, done, rate: (done / elapsedMs) * 1000, dropped };
  } catch (error) {
    log(`soak: the CLI's last stderr lines:\n${cli.tail.join('\n')}`);
    throw error;
  } finally {
    const code = await cli.stop();
    if (code !== 0) log(`soak: the CLI exited with ${code}:\n${cli.tail.join('\n')}`);
  }
}

const client = loadClient();
const results = [];
try {
  for (const variant of VARIANTS) results.push({ variant, ...(await soak(client, variant)) });
} finally {
  await client.stop();
}

/** Least-squares slope of `values` over the session counts `at`, in octets per session. */
function slope(at, values) {
  const n = values.length;
  const mx = at.reduce((a, b) => a + b, 0) / n;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (at[i] - mx) * (values[i] - my);
    sxx += (at[i] - mx) ** 2;
  }
  return sxy / sxx;
}

const growth = (values) => values.at(-1) - values[0];
const series = (values) => values.map((v) => num(v / MB, 0)).join(' → ');
const trend = (at, values) => `trend ${num((slope(at, values) * 100_000) / MB)} MB per 100,000 sessions`;

const rows = [];
for (const r of results) {
  const { at, rss, rssAfterGc, heap } = r.samples;
  const first = r.variant === VARIANTS[0];
  const total = r.variant.total.toLocaleString('en-US');
  const dropped =
    r.dropped === null
      ? 'none dropped'
      : `${r.dropped.sessions.toLocaleString('en-US')} dropped, the newest ${r.dropped.lastId}`;
  rows.push(
    row({
      measure: `RSS growth over ${total} sessions, ${r.variant.name}`,
      unit: 'MB',
      median: growth(rss) / MB,
      min: Math.min(...rss) / MB,
      max: Math.max(...rss) / MB,
      target: first ? `flat within ${TARGET_MB} MB` : '',
      met: first ? growth(rss) / MB < TARGET_MB : undefined,
      note:
        `RSS as found, MB, after ${WARM_UP.toLocaleString('en-US')} warm-up sessions and at ${CHECKPOINTS} checkpoints: ` +
        `${series(rss)}; ${trend(at, rss)}; ${num(r.rate)} sessions/s, ${r.errors} errors; ` +
        `GET /api/dropped-sessions at the end: ${dropped}; min and max: RSS in MB`,
    }),
    row({
      measure: `heapUsed growth after a full GC over ${total} sessions, ${r.variant.name}`,
      unit: 'MB',
      median: growth(heap) / MB,
      min: Math.min(...heap) / MB,
      max: Math.max(...heap) / MB,
      note:
        `heapUsed MB at the checkpoints: ${series(heap)} (${num(growth(heap) / r.variant.total, 0)} octets per session); ` +
        `RSS after the same full GC: ${series(rssAfterGc)}, ${trend(at, rssAfterGc)}`,
    }),
  );
}
const [kept, all] = results;
if (kept && all) {
  const perThousand = (r) => growth(r.samples.heap) / (r.variant.total / 1000);
  rows.push(
    row({
      measure: 'heapUsed growth after a full GC per 1,000 sessions, CLI default vs retention off',
      unit: 'KB',
      median: perThousand(kept) / 1000,
      floor: perThousand(all) / 1000,
      ratio: perThousand(kept) / perThousand(all),
      note: `floor: retention off (${num(perThousand(all) / 1000 / 1000, 2)} KB per session kept without a bound)`,
    }),
  );
}

report('(i) soak through the CLI', rows, options);
