// The recorder's cost in two builds, side by side in one process: the replay
// of (f) (the 25 events of one real session, with new strings where a session
// makes new ones) for 10,000 new session ids per batch, recorder attached and
// detached, the builds taking turns batch by batch, so a slow minute of a
// shared machine falls on both. Then the heap a record keeps after a full GC.
//
// Run: node bench/recorder-ab.mjs [--keep N] DIST_A DIST_B
//   DIST_A, DIST_B: copies of dist/ built (npx tsup) from the commits to compare.
//   --keep N: the mocks run with keepSessions: N (a record is dropped soon after
//   its session ends: what is left is the recorder's own code, not the GC of kept records).
// Builds from before Pop3Mock.publish (cead49b and older) are replayed through
// the hub; there the detached recorder is still a listener called per event, so
// attached − detached leaves the dispatch out of both builds' figures.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureGc, fullGc, num, stats } from './lib/common.mjs';
import { recorderSwitch, sessionEvents, sessionReplayer } from './lib/replay.mjs';
import { startPair } from './lib/session-load.mjs';

ensureGc(import.meta.url);
const args = process.argv.slice(2);
const keepAt = args.indexOf('--keep');
const keep = keepAt === -1 ? undefined : Number(args.splice(keepAt, 2)[1]);
const builds = args;
if (builds.length === 0 || (keep !== undefined && !(keep >= 0))) {
  console.error('usage: node bench/recorder-ab.mjs [--keep N] DIST_DIR [DIST_DIR ...]');
  process.exit(2);
}
const SESSIONS = 10_000;
const ROUNDS = 20;

const setups = [];
for (const dir of builds) {
  const { startPop3Mock } = await import(pathToFileURL(resolve(dir, 'index.mjs')).href);
  const start =
    keep === undefined ? startPop3Mock : (options) => startPop3Mock({ ...options, keepSessions: keep });
  const mock = (await startPair(start, { withFloor: false })).pop3;
  const events = await sessionEvents(mock);
  const recorder = recorderSwitch(mock);
  if (!recorder) throw new Error(`${dir}: the recorder cannot be detached`);
  setups.push({
    dir,
    mock,
    recorder,
    replay: sessionReplayer(mock, events),
    on: [],
    off: [],
  });
}

let nextId = 1_000_000;
function batch(setup, recording) {
  setup.recorder.set(recording);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < SESSIONS; i++) setup.replay(nextId++);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / SESSIONS;
}

for (let r = 0; r < ROUNDS; r++) {
  for (const setup of r % 2 ? setups : [...setups].reverse()) {
    for (const recording of r % 2 ? [true, false] : [false, true]) {
      await fullGc();
      (recording ? setup.on : setup.off).push(batch(setup, recording));
      await setup.mock.reset();
    }
  }
}

/** Heap kept per recorded session after a full GC. */
async function kept(setup) {
  setup.recorder.set(true);
  await fullGc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 20_000; i++) {
    setup.replay(nextId++);
  }
  await fullGc();
  const bytes = (process.memoryUsage().heapUsed - before) / 20_000;
  await setup.mock.reset();
  return bytes;
}

console.log(
  '| build | µs/session, recorder attached | detached | recorder cost (median of pairs) | heap kept per record |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const setup of setups) {
  const cost = stats(setup.on.map((x, i) => x - setup.off[i])).median;
  console.log(
    `| ${setup.dir} | ${num(stats(setup.on).median)} | ${num(stats(setup.off).median)} | ${num(cost)} | ${num(await kept(setup))} B |`,
  );
}
for (const setup of setups) await setup.mock.close();
