// How long close() takes with 1,000 live sessions (robustness requirement: "it
// resolves in under a second"). The suite asserts that close() resolves and
// leaves no handle (test/integration/robustness/close-under-load.test.ts);
// the duration is measured here, since timing has no place in assertions.
//
// The load: 50 sessions streaming a 2 MB RETR to a client that stopped
// reading, 100 held by a hang fault on NOOP, 50 waiting in an STLS
// handshake, 50 inside an AUTH LOGIN exchange, 375 logged in and idle,
// 375 idle before login.
//
// Run: node test/fuzz/measure-close.mjs [rounds=5]
import { connect } from 'node:net';
import { loadSrc } from './load-src.mjs';

const ROUNDS = Number(process.argv[2] ?? 5);
const SESSIONS = 1_000;
const PLAN = { retr: 50, hang: 100, tls: 50, sasl: 50 };
const { startPop3Mock, on } = await loadSrc();

const big = `Subject: big\n\n${`${'x'.repeat(99)}\n`.repeat(21_000)}`;

/** A client that counts CRLF lines and bytes, and resolves waits on them. */
function client(port) {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  let bytes = 0;
  let lines = 0;
  let waiter;
  socket.on('data', (chunk) => {
    bytes += chunk.length;
    for (const b of chunk) if (b === 0x0a) lines++;
    waiter?.();
  });
  const until = (done) =>
    new Promise((resolve) => {
      waiter = () => {
        if (!done()) return;
        waiter = undefined;
        resolve();
      };
      waiter();
    });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  return { socket, closed, lines: (n) => until(() => lines >= n), bytes: (n) => until(() => bytes >= n) };
}

async function round() {
  const pop3 = await startPop3Mock({
    users: { alice: { password: 'secret', messages: ['Subject: a\n\nhi\n', big] } },
    lock: 'none',
  });
  await pop3.use(on('NOOP').hang());
  let faults = 0;
  pop3.on('fault', () => faults++);
  const clients = [];
  for (let start = 0; start < SESSIONS; start += 100) {
    const batch = [];
    for (let i = start; i < start + 100; i++) {
      const c = client(pop3.port);
      clients.push(c);
      batch.push(
        (async () => {
          await c.lines(1);
          if (i < PLAN.retr) {
            c.socket.write('USER alice\r\nPASS secret\r\nRETR 2\r\n');
            await c.bytes(64 * 1024);
            c.socket.pause();
          } else if (i < PLAN.retr + PLAN.hang) {
            c.socket.write('USER alice\r\nPASS secret\r\nNOOP\r\n');
            await c.lines(3);
          } else if (i < PLAN.retr + PLAN.hang + PLAN.tls) {
            c.socket.write('STLS\r\n');
            await c.lines(2);
          } else if (i < PLAN.retr + PLAN.hang + PLAN.tls + PLAN.sasl) {
            c.socket.write('AUTH LOGIN\r\n');
            await c.lines(2);
          } else if (i % 2 === 0) {
            c.socket.write('USER alice\r\nPASS secret\r\n');
            await c.lines(3);
          }
        })(),
      );
    }
    await Promise.all(batch);
  }
  while (faults < PLAN.hang) await new Promise((r) => setImmediate(r));
  const open = pop3.sessions.filter((s) => !s.ended).length;
  const t0 = performance.now();
  await pop3.close();
  const ms = performance.now() - t0;
  const ended = pop3.sessions.filter((s) => s.endReason === 'server-closed').length;
  for (const c of clients) c.socket.destroy();
  await Promise.all(clients.map((c) => c.closed));
  return { ms, open, ended };
}

const times = [];
for (let i = 0; i < ROUNDS; i++) {
  const { ms, open, ended } = await round();
  times.push(ms);
  console.log(
    `round ${i + 1}: ${open} live sessions, close() took ${ms.toFixed(1)} ms, ${ended} ended server-closed`,
  );
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `close() with ${SESSIONS} live sessions: median ${median.toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms over ${ROUNDS} rounds`,
);
const left = process.getActiveResourcesInfo().filter((k) => k !== 'Immediate');
console.log(`active resources afterwards: ${left.length === 0 ? 'none' : left.join(', ')}`);
