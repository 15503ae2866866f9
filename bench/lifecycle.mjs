// (a) Lifecycle: start → listening → first greeting → close, with 10 fixture
// messages, against a bare node:net server doing the same (listen, greet with
// prebuilt bytes, destroy sockets, close), alternating cycle by cycle. Then
// 10,000 more cycles of the mock, checking active handles and heapUsed (after
// a full GC) for growth.
//
// Run: node bench/lifecycle.mjs [--quick]
//
// This one is in-process on purpose: it is what a test file does in
// beforeEach/afterEach (start a server, connect, close), so client and server
// share the process, as they do in a test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  stats,
} from './lib/common.mjs';
import { smallMessages } from './lib/fixtures.mjs';
import { startFloor } from './lib/floor.mjs';

ensureGc(import.meta.url);
const options = flags();
const { startPop3Mock, rfcDialect } = await loadPackage();

const CYCLES = options.quick ? 200 : 600;
const GROWTH_CYCLES = options.quick ? 2_000 : 10_000;
const CHECKPOINTS = 4;
const FIXTURES = smallMessages(10, 2048);
// The same 10 messages as .eml files, given by path: what a suite's beforeEach does.
const EML_DIR = mkdtempSync(join(tmpdir(), 'pop3-bench-eml-'));
const EML_FILES = FIXTURES.map((text, i) => {
  const file = join(EML_DIR, `${i + 1}.eml`);
  writeFileSync(file, text);
  return file;
});
process.on('exit', () => rmSync(EML_DIR, { recursive: true, force: true }));

/** Connects and resolves once the first line (the greeting) has arrived. */
function readGreeting(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const closed = new Promise((r) => socket.once('close', r));
    let text = '';
    socket.on('error', () => {});
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) resolve({ greeting: text, socket, closed });
    });
  });
}

/** Sends QUIT and resolves once the server has closed the connection (after its +OK). */
function quit(socket, closed) {
  socket.write('QUIT\r\n');
  return closed;
}

/**
 * One cycle's time, ms, with its phases: `start` until the server listens,
 * `greeting` until the client has it (and, with QUIT, until the server has
 * closed after its reply), `close` until the port is free and the socket closed.
 */
function phases(t0, t1, t2, t3) {
  return { total: t3 - t0, start: t1 - t0, greeting: t2 - t1, close: t3 - t2 };
}

async function mockCycle(messages = FIXTURES, withQuit = false) {
  const t0 = performance.now();
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages } } });
  const t1 = performance.now();
  const { socket, closed } = await readGreeting(pop3.port);
  if (withQuit) await quit(socket, closed);
  const t2 = performance.now();
  await pop3.close();
  await closed;
  return phases(t0, t1, t2, performance.now());
}

let GREETING;
// The floor answers QUIT with the mock's own reply bytes.
const QUIT_REPLY = new Map([['QUIT', Buffer.from(`+OK ${rfcDialect.texts.quitAuthorization}\r\n`)]]);
async function floorCycle(withQuit = false) {
  const t0 = performance.now();
  const floor = await startFloor({ greeting: GREETING, replies: QUIT_REPLY });
  const t1 = performance.now();
  const { socket, closed } = await readGreeting(floor.port);
  if (withQuit) await quit(socket, closed);
  const t2 = performance.now();
  await floor.close();
  await closed;
  return phases(t0, t1, t2, performance.now());
}

/**
 * Connections in TIME_WAIT (Linux; undefined elsewhere). Each cycle leaves
 * one (the server closes first, on both sides), and the kernel's search for a
 * free ephemeral port for listen() slows as they pile up: a cost both sides
 * pay, which pulls the ratio towards 1, so a run reports how many there were.
 */
function timeWaitCount() {
  try {
    let count = 0;
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(file, 'latin1').split('\n').slice(1)) {
        if (line.trim().split(/\s+/)[3] === '06') count++;
      }
    }
    return count;
  } catch {
    return undefined;
  }
}

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

const timeWaitBefore = timeWaitCount();
log(`lifecycle: warm-up, then ${CYCLES} cycles each (mock and floor alternating)`);
for (let i = 0; i < 100; i++) {
  await floorCycle();
  await mockCycle();
}
const mock = [];
const floor = [];
const mockFiles = [];
const floorFiles = [];
const mockQuit = [];
const floorQuit = [];
for (let i = 0; i < CYCLES; i++) {
  if (i % 2 === 0) {
    floor.push(await floorCycle());
    mock.push(await mockCycle());
    floorFiles.push(await floorCycle());
    mockFiles.push(await mockCycle(EML_FILES));
    floorQuit.push(await floorCycle(true));
    mockQuit.push(await mockCycle(EML_FILES, true));
  } else {
    mock.push(await mockCycle());
    floor.push(await floorCycle());
    mockFiles.push(await mockCycle(EML_FILES));
    floorFiles.push(await floorCycle());
    mockQuit.push(await mockCycle(EML_FILES, true));
    floorQuit.push(await floorCycle(true));
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

/** The median of each phase, µs: `mock a / b / c, floor d / e / f`. */
function phaseNote(mockRuns, floorRuns) {
  const of = (runs) =>
    ['start', 'greeting', 'close'].map((p) => num(stats(runs.map((r) => r[p] * 1000)).median, 0)).join(' / ');
  return `µs for start / greeting / close: mock ${of(mockRuns)}, floor ${of(floorRuns)}`;
}
const totals = (runs) => runs.map((r) => r.total);
const timeWait =
  timeWaitBefore === undefined ? '' : `; TIME_WAIT connections ${timeWaitBefore} → ${timeWaitAfter}`;

report(
  '(a) lifecycle',
  [
    compareRow({
      measure: 'start → greeting → close, 10 messages',
      unit: 'ms',
      mock: totals(mock),
      floor: totals(floor),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `${CYCLES} cycles each, alternating; ${phaseNote(mock, floor)}${timeWait}`,
    }),
    compareRow({
      measure: 'start → greeting → close, 10 .eml files by path',
      unit: 'ms',
      mock: totals(mockFiles),
      floor: totals(floorFiles),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `${CYCLES} cycles each, alternating; files read once per process while unchanged (one stat each per start); ${phaseNote(mockFiles, floorFiles)}`,
    }),
    compareRow({
      measure: 'start → greeting → QUIT → close, 10 .eml files by path',
      unit: 'ms',
      mock: totals(mockQuit),
      floor: totals(floorQuit),
      target: '≤ 2x floor',
      limit: 2,
      better: 'lower',
      note: `issue #15's wording of the measure: the client sends QUIT and waits for the server to close; ${CYCLES} cycles each, alternating; ${phaseNote(mockQuit, floorQuit)}`,
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
