// Pipelined replies and Nagle's algorithm. Found while writing the
// robustness tests: with Nagle on (accepted sockets default to noDelay:
// false), the second of two small replies waited for the ACK of the first,
// which the client delays (delayed ACK, ~40 ms on Linux) because it has
// nothing to send; every pipelined batch paid ~40 ms. Accepted sockets now
// use TCP_NODELAY (commit 23ef559); this script keeps watch. It times
// `USER`+`PASS`+`STAT` sent in one write, as the mock ships and with
// setNoDelay(true) forced on each accepted socket (reached through the
// built server's private `server` field: a diagnostic hack). The two should
// match; a gap of tens of milliseconds means the stall is back.
//
// Run: node test/fuzz/measure-pipelining.mjs [tries=20]
import { connect } from 'node:net';
import { loadSrc } from './load-src.mjs';

const TRIES = Number(process.argv[2] ?? 20);
const { startPop3Mock } = await loadSrc();

async function time(noDelay) {
  const pop3 = await startPop3Mock({ users: { alice: 'secret' }, lock: 'none' });
  if (noDelay) pop3.server.prependListener('connection', (socket) => socket.setNoDelay(true));
  const times = [];
  for (let i = 0; i < TRIES; i++) {
    const socket = connect({ port: pop3.port, host: '127.0.0.1' });
    let text = '';
    let wake;
    socket.on('data', (chunk) => {
      text += chunk;
      wake?.();
    });
    const lines = (n) =>
      new Promise((resolve) => {
        wake = () => text.split('\r\n').length > n && resolve();
        wake();
      });
    await lines(1);
    const t0 = performance.now();
    socket.write('USER alice\r\nPASS secret\r\nSTAT\r\n');
    await lines(4);
    times.push(performance.now() - t0);
    socket.destroy();
  }
  await pop3.close();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const shipped = await time(false);
const fixed = await time(true);
console.log(
  `USER+PASS+STAT pipelined, median of ${TRIES}: as shipped ${shipped.toFixed(1)} ms; with noDelay ${fixed.toFixed(1)} ms`,
);
