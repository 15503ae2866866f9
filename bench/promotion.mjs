// What a start → close cycle leaves for the garbage collector: bytes that
// outlived the young generation (promoted into the old one, which only a
// mark-compact frees) and GC pause per cycle, with and without a client that
// reads the greeting. Counted by V8 itself (`--trace-gc-nvp`, in a child
// process per build and cycle kind), so the bytes do not move with the
// machine's speed the way timings do here; the pauses do.
//
// Run: node bench/promotion.mjs [DIST_DIR ...]   (default: dist, after npx tsup)
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { num } from './lib/common.mjs';
import { smallMessages } from './lib/fixtures.mjs';
import { timedCycle } from './lib/lifecycle-cycle.mjs';

const WARM_UP = 300;
const CYCLES = 3000;

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  const builds = process.argv.length > 2 ? process.argv.slice(2) : [resolve(import.meta.dirname, '../dist')];
  console.log('| build | cycle | promoted B/cycle | GC pause µs/cycle | GCs |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const dir of builds) {
    for (const kind of ['start-close', 'with-client']) {
      const run = spawnSync(
        process.execPath,
        ['--trace-gc-nvp', fileURLToPath(import.meta.url), '--child', resolve(dir), kind],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (run.status !== 0) throw new Error(`${dir} ${kind}: ${run.stderr}`);
      const { promoted, pauseMs, gcs } = summarise(run.stdout);
      console.log(
        `| ${dir} | ${kind} | ${num(promoted / CYCLES)} | ${num((pauseMs * 1000) / CYCLES)} | ${gcs} |`,
      );
    }
  }
}

/** Sums V8's per-GC lines between the child's markers. */
function summarise(output) {
  const measured = output.split('\nMEASURE\n')[1]?.split('\nDONE\n')[0] ?? '';
  let promoted = 0;
  let pauseMs = 0;
  let gcs = 0;
  for (const line of measured.split('\n')) {
    if (!line.includes(' gc=')) continue;
    gcs++;
    promoted += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0);
    pauseMs += Number(/\bpause=([\d.]+)/.exec(line)?.[1] ?? 0);
  }
  return { promoted, pauseMs, gcs };
}

async function child(dir, kind) {
  const { startPop3Mock } = await import(pathToFileURL(resolve(dir, 'index.mjs')).href);
  const messages = smallMessages(10, 2048);
  const start = () => startPop3Mock({ users: { alice: { password: 'pw', messages } } });
  // with-client: a client reads the greeting before the close, as in (a).
  const cycle = kind === 'with-client' ? () => timedCycle(start) : async () => (await start()).close();
  for (let i = 0; i < WARM_UP; i++) await cycle();
  console.log('\nMEASURE');
  for (let i = 0; i < CYCLES; i++) await cycle();
  console.log('\nDONE');
}
