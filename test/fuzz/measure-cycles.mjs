// 10,000 start/close cycles: handles and memory must not
// grow. Each cycle starts a mock (in turn: plain, with an implicit-TLS port,
// with the control API), logs a client in, leaves it mid-command, and closes
// the mock. After a warm-up, memory is read after a full GC every 1,000
// cycles; the mock's timers are counted through an injected clock (they are
// unref'd, so process.getActiveResourcesInfo() would not list them).
// The suite runs 300 cycles and checks the handle counts only.
//
// Run: node --expose-gc test/fuzz/measure-cycles.mjs [cycles=10000]
import { connect } from 'node:net';
import { fullGc, loadSrc, mb, requireGc } from './load-src.mjs';

requireGc('test/fuzz/measure-cycles.mjs');
const CYCLES = Number(process.argv[2] ?? 10_000);
const WARM_UP = 500;
const { startPop3Mock } = await loadSrc();

let pendingTimers = 0;
const clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    pendingTimers++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      pendingTimers--;
    };
    const timer = setTimeout(() => {
      finish();
      callback();
    }, ms);
    timer.unref();
    return {
      cancel() {
        finish();
        clearTimeout(timer);
      },
    };
  },
};

async function cycle(i) {
  const kind = i % 3;
  const pop3 = await startPop3Mock({
    clock,
    users: { alice: { password: 'secret', messages: ['Subject: a\n\nhello\n'] } },
    ...(kind === 1 ? { tlsPort: 0 } : {}),
    ...(kind === 2 ? { control: true } : {}),
  });
  const socket = connect({ port: pop3.port, host: '127.0.0.1' });
  socket.on('error', () => {});
  let text = '';
  let wake;
  socket.on('data', (chunk) => {
    text += chunk;
    wake?.();
  });
  const line = (n) =>
    new Promise((resolve) => {
      wake = () => text.split('\r\n').length > n && resolve();
      wake();
    });
  // One command at a time: pipelined commands would wait out the
  // Nagle/delayed-ACK stall (see measure-pipelining.mjs), not measure leaks.
  await line(1);
  socket.write('USER alice\r\n');
  await line(2);
  socket.write('PASS secret\r\n');
  await line(3);
  socket.write('RETR');
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await pop3.close();
  await closed;
}

/** Active handles by kind, stdio pipes and terminals left out (they appear on first console.log). */
const resources = () => {
  const counts = {};
  for (const k of process.getActiveResourcesInfo()) {
    if (k !== 'PipeWrap' && k !== 'TTYWrap') counts[k] = (counts[k] ?? 0) + 1;
  }
  return JSON.stringify(counts);
};

async function snapshot() {
  await fullGc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
}

for (let i = 0; i < WARM_UP; i++) await cycle(i);
const base = await snapshot();
const baseResources = resources();
console.log(
  `after ${WARM_UP} warm-up cycles: heap ${mb(base.heap)}, buffers ${mb(base.buffers)}, rss ${mb(base.rss)}, resources ${baseResources}`,
);
const t0 = performance.now();
let last = base;
for (let i = 1; i <= CYCLES; i++) {
  await cycle(i);
  if (i % 1000 === 0 || i === CYCLES) {
    last = await snapshot();
    console.log(
      `${String(i).padStart(6)} cycles: heap ${mb(last.heap)} (${sign(last.heap - base.heap)}), ` +
        `buffers ${mb(last.buffers)} (${sign(last.buffers - base.buffers)}), rss ${mb(last.rss)}, ` +
        `mock timers pending ${pendingTimers}, resources ${resources()}`,
    );
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(
  `${CYCLES} cycles in ${seconds.toFixed(1)} s: heap ${sign(last.heap - base.heap)}, buffers ${sign(last.buffers - base.buffers)}, ` +
    `rss ${sign(last.rss - base.rss)}; mock timers pending ${pendingTimers}; resources ${resources()} (before: ${baseResources})`,
);

function sign(bytes) {
  return `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
}
