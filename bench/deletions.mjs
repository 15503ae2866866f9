// (j) Deletions in a long run: a server fed with messages and emptied by
// clients, as the CLI with its SMTP intake is. Each cycle delivers a 10 KB
// message (a new Buffer, as the intake makes one) and runs a session that
// deletes it (USER, PASS, DELE, QUIT). With keepSessions (the CLI keeps
// 1,000), a dropped session's deletions stay listed but their bytes go: the
// heap and external memory after a full GC grow by a small entry per
// deletion, not by the message. Without a limit (the in-process default,
// where tests reset) the bytes stay until reset(): that run is the baseline,
// for memory and for time (letting go must not slow a long run down).
//
// Run: node bench/deletions.mjs [--quick]
import { connect } from 'node:net';
import { ensureGc, flags, fullGc, loadPackage, log, num, report, row } from './lib/common.mjs';

ensureGc(import.meta.url);
const options = flags();
const { startPop3Mock } = await loadPackage();

const WARM_UP = options.quick ? 1_000 : 2_000;
const CYCLES = options.quick ? 3_000 : 10_000;
const BODY = 'x'.repeat(10_000);

/** One session that deletes message 1 and quits; resolves when the server has closed it. */
function deletingSession(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let lines = 0;
    socket.on('data', (chunk) => {
      for (const byte of chunk) if (byte === 0x0a) lines++;
      // Greeting, USER, PASS, DELE, QUIT.
      if (lines === 5) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', resolve);
    socket.write('USER bob\r\nPASS pw\r\nDELE 1\r\nQUIT\r\n');
  });
}

async function memory() {
  await fullGc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

async function growthPerCycle(keepSessions) {
  const pop3 = await startPop3Mock({
    keepSessions,
    lock: 'none',
    users: { bob: { password: 'pw', messages: [] } },
  });
  try {
    const cycle = async (i) => {
      await pop3.deliver('bob', Buffer.from(`Subject: ${i}\r\n\r\n${BODY}\r\n`));
      await deletingSession(pop3.port);
    };
    for (let i = 0; i < WARM_UP; i++) await cycle(i);
    const before = await memory();
    const t0 = performance.now();
    for (let i = 0; i < CYCLES; i++) await cycle(WARM_UP + i);
    const msPerCycle = (performance.now() - t0) / CYCLES;
    const after = await memory();
    const listed = pop3.mailbox('bob').deleted().length;
    return { perCycle: (after - before) / CYCLES, msPerCycle, before, after, listed };
  } finally {
    await pop3.close();
  }
}

log(`deletions: keepSessions 1000, ${WARM_UP} warm-up and ${CYCLES} measured cycles`);
const bounded = await growthPerCycle(1000);
log('deletions: no limit');
const unbounded = await growthPerCycle('all');
const mb = (bytes) => num(bytes / 1e6, 1);

report(
  '(j) deletions in a long run',
  [
    row({
      measure: 'heapUsed + external after GC per deleting session, keepSessions 1,000',
      unit: 'B',
      median: bounded.perCycle,
      floor: unbounded.perCycle,
      ratio: bounded.perCycle / unbounded.perCycle,
      target: '< 1 KB (no message bytes kept)',
      met: bounded.perCycle < 1000,
      note: `${mb(bounded.before)} → ${mb(bounded.after)} MB over ${CYCLES.toLocaleString('en-US')} sessions, each deleting a delivered 10 KB message; ${bounded.listed.toLocaleString('en-US')} deletions still listed; floor: no limit (${mb(unbounded.before)} → ${mb(unbounded.after)} MB, the bytes kept until reset())`,
    }),
    row({
      // Letting go of the bytes must not cost a search of the list per dropped session (it grows all run long).
      measure: 'time per deleting session (deliver + session), keepSessions 1,000',
      unit: 'ms',
      median: bounded.msPerCycle,
      floor: unbounded.msPerCycle,
      ratio: bounded.msPerCycle / unbounded.msPerCycle,
      target: '≤ 1.2x no limit',
      met: bounded.msPerCycle / unbounded.msPerCycle <= 1.2,
      note: `the same ${CYCLES.toLocaleString('en-US')} cycles, timed; floor: no limit`,
    }),
  ],
  options,
);
