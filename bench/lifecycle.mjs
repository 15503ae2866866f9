// (a) Lifecycle: start → listening → first greeting → close, with 10 fixture
// messages (given as strings, as Buffers, as .eml files), against a bare node:net server doing the same (listen, greet with
// prebuilt bytes, destroy sockets, close), alternating cycle by cycle. Then
// 10,000 more cycles of the mock, checking active handles and heapUsed (after
// a full GC) for growth.
//
// Run: node bench/lifecycle.mjs [--quick] [--cjs]
//
// This one is in-process on purpose: it is what a test file does in
// beforeEach/afterEach (start a server, connect, close), so client and server
// share the process, as they do in a test.
import {
  compareRow,
  ensureGc,
  flags,
  fullGc,
  kib,
  loadPackage,
  log,
  mib,
  num,
  report,
  row,
} from './lib/common.mjs';
import { smallMessages } from './lib/fixtures.mjs';
import { startFloor } from './lib/floor.mjs';
import {
  drainTimeWait,
  emlFiles,
  phaseMedians,
  readGreeting,
  timedCycle,
  timeWaitCount,
} from './lib/lifecycle-cycle.mjs';

ensureGc(import.meta.url);
const options = flags();
// --cjs: the CommonJS build (dist/index.js, what jest loads) instead of the ES module one, in a
// process of its own (run.mjs runs both): with both copies of the library in one process, the second
// read 2.06-2.17x where either alone reads as the other (bench/README.md, twenty-first session).
const cjs = process.argv.includes('--cjs');
const { startPop3Mock, rfcDialect } = await loadPackage({ cjs });

const CYCLES = options.quick ? 200 : 600;
const GROWTH_CYCLES = options.quick ? 2_000 : 10_000;
const CHECKPOINTS = 4;
const FIXTURES = smallMessages(10, 2048);
// The same 10 messages as .eml files, given by path: what a suite's beforeEach does.
const EML_FILES = await emlFiles(FIXTURES);
// The same 10 messages as Buffers: what a suite that builds its fixtures in code hands over.
const BUFFERS = FIXTURES.map((text) => Buffer.from(text));

const mockCycle = (messages = FIXTURES, withQuit = false) =>
  timedCycle(() => startPop3Mock({ users: { alice: { password: 'secret', messages } } }), withQuit);

let GREETING;
// The floor answers QUIT with the mock's own reply bytes.
const QUIT_REPLY = new Map([['QUIT', Buffer.from(`+OK ${rfcDialect.texts.quitAuthorization}\r\n`)]]);
const floorCycle = (withQuit = false) =>
  timedCycle(() => startFloor({ greeting: GREETING, replies: QUIT_REPLY }), withQuit);

async function checkpoint() {
  await fullGc();
  return {
    handles: process.getActiveResourcesInfo().length,
    resources: process.getActiveResourcesInfo().join(','),
    heapUsed: process.memoryUsage().heapUsed,
    rss: process.memoryUsage().rss,
  };
}

// The floor greets with the mock's own greeting bytes.
{
  const pop3 = await startPop3Mock();
  const { greeting, closed } = await readGreeting(pop3.port);
  GREETING = Buffer.from(greeting);
  await pop3.close();
  await closed;
}

// Connections an earlier run left in TIME_WAIT slow every listen (see drainTimeWait): wait for them to go.
const drained = await drainTimeWait();
if (drained.from !== drained.to)
  log(`lifecycle: waited for TIME_WAIT connections to go (${drained.from} → ${drained.to})`);
const timeWaitBefore = timeWaitCount();
log(`lifecycle: warm-up, then ${CYCLES} cycles each (mock and floor alternating)`);
for (let i = 0; i < 100; i++) {
  await floorCycle();
  await mockCycle();
}
// Each measure: the mock's cycle and the floor's, taking turns (which goes first alternates).
const measures = {
  strings: { mock: () => mockCycle(FIXTURES), floor: () => floorCycle() },
  buffers: { mock: () => mockCycle(BUFFERS), floor: () => floorCycle() },
  files: { mock: () => mockCycle(EML_FILES), floor: () => floorCycle() },
  quit: { mock: () => mockCycle(EML_FILES, true), floor: () => floorCycle(true) },
};
const runs = Object.fromEntries(Object.keys(measures).map((key) => [key, { mock: [], floor: [] }]));
const entries = Object.entries(measures);
for (let i = 0; i < CYCLES; i++) {
  // Each measure goes first in turn, so none always runs after the others.
  const k = i % entries.length;
  for (const [key, measure] of [...entries.slice(k), ...entries.slice(0, k)]) {
    for (const side of i % 2 === 0 ? ['floor', 'mock'] : ['mock', 'floor']) {
      runs[key][side].push(await measure[side]());
    }
  }
}

const timeWaitAfter = timeWaitCount();
log(`lifecycle: ${GROWTH_CYCLES} mock cycles, checking handles and heap`);
// The first segment warms up (compiled code, inline caches, pools); growth is
// measured from its end, over the remaining cycles.
const step = GROWTH_CYCLES / (CHECKPOINTS + 1);
for (let i = 0; i < step; i++) await mockCycle();
const points = [await checkpoint()];
for (let c = 0; c < CHECKPOINTS; c++) {
  for (let i = 0; i < step; i++) await mockCycle();
  points.push(await checkpoint());
}
const measured = step * CHECKPOINTS;
const first = points[0];
const last = points.at(-1);
const handleGrowth = last.handles - first.handles;
const heapGrowth = last.heapUsed - first.heapUsed;
const heapTrail = points.map((p) => num(kib(p.heapUsed), 0)).join(' → ');
const rssTrail = points.map((p) => num(mib(p.rss), 0)).join(' → ');
const HEAP_LIMIT = 100 * measured; // under 100 bytes per cycle: no per-cycle leak
const total = GROWTH_CYCLES.toLocaleString('en-US');

const phaseNote = (mockRuns, floorRuns) =>
  `µs for start / greeting / close: mock ${phaseMedians(mockRuns)}, floor ${phaseMedians(floorRuns)}`;
const totals = (runs) => runs.map((r) => r.total);
const timeWait =
  timeWaitBefore === undefined ? '' : `; TIME_WAIT connections ${timeWaitBefore} → ${timeWaitAfter}`;

report(
  cjs ? '(a) lifecycle, CommonJS build' : '(a) lifecycle',
  [
    compareRow({
      measure: 'start → greeting → close, 10 messages as strings',
      unit: 'ms',
      mock: totals(runs.strings.mock),
      floor: totals(runs.strings.floor),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `${CYCLES} cycles each, alternating; ${phaseNote(runs.strings.mock, runs.strings.floor)}${timeWait}`,
    }),
    compareRow({
      measure: 'start → greeting → close, 10 messages as Buffers',
      unit: 'ms',
      mock: totals(runs.buffers.mock),
      floor: totals(runs.buffers.floor),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `${CYCLES} cycles each, alternating; a Buffer's bytes compared with the process's copy, not hashed again, per start; ${phaseNote(runs.buffers.mock, runs.buffers.floor)}`,
    }),
    compareRow({
      measure: 'start → greeting → close, 10 .eml files by path',
      unit: 'ms',
      mock: totals(runs.files.mock),
      floor: totals(runs.files.floor),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `${CYCLES} cycles each, alternating; files read once per process while unchanged (one stat each per start); ${phaseNote(runs.files.mock, runs.files.floor)}`,
    }),
    compareRow({
      measure: 'start → greeting → QUIT → close, 10 .eml files by path',
      unit: 'ms',
      mock: totals(runs.quit.mock),
      floor: totals(runs.quit.floor),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `issue #15's wording of the measure: the client sends QUIT and waits for the server to close; ${CYCLES} cycles each, alternating; ${phaseNote(runs.quit.mock, runs.quit.floor)}`,
    }),
    row({
      measure: `active handles, growth over ${total} cycles`,
      unit: 'handles',
      median: handleGrowth,
      target: '0',
      met: handleGrowth <= 0,
      note: `before ${first.handles} (${first.resources}), after ${last.handles} (${last.resources})`,
    }),
    row({
      measure: `heapUsed after GC, growth over ${total} cycles`,
      unit: 'KiB',
      median: kib(heapGrowth),
      target: `< ${num(kib(HEAP_LIMIT), 0)} KiB (100 B/cycle)`,
      met: heapGrowth < HEAP_LIMIT,
      note: `measured over the last ${measured.toLocaleString('en-US')} (the first ${num(step, 0)} warm up); KiB at checkpoints: ${heapTrail}; RSS MiB: ${rssTrail}`,
    }),
  ],
  options,
);
