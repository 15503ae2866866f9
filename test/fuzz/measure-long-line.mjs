// What a 10 MB line without CRLF costs the server (robustness requirement: "costs
// no more memory than the limit"). A logged-in client sends 10 MB of 'A'
// without a line end, 64 KiB at a time from one reused buffer; memory is
// read after a full GC before and after, then the line is ended and a NOOP
// must be answered. For scale, the same figure while holding a 10 MB
// Buffer shows what buffering the line would cost.
//
// Run: node --expose-gc test/fuzz/measure-long-line.mjs
import { connect } from 'node:net';
import { fullGc, loadSrc, MB, mb, requireGc } from './load-src.mjs';

requireGc('test/fuzz/measure-long-line.mjs');
const { startPop3Mock, rfcDialect } = await loadSrc();
const TOTAL = 10 * MB;

async function memory() {
  await fullGc();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, arrayBuffers, rss };
}

const pop3 = await startPop3Mock({ users: { alice: 'secret' } });
const socket = connect({ port: pop3.port, host: '127.0.0.1' });
socket.setNoDelay(true);
let text = '';
let wake;
socket.on('data', (chunk) => {
  text += chunk.toString('latin1');
  wake?.();
});
const lines = (n) =>
  new Promise((resolve) => {
    wake = () => text.split('\r\n').length > n && resolve();
    wake();
  });
await lines(1);
socket.write('USER alice\r\n');
await lines(2);
socket.write('PASS secret\r\n');
await lines(3);

const chunk = Buffer.alloc(64 * 1024, 0x41);
const before = await memory();
let peakBuffers = 0;
for (let sent = 0; sent < TOTAL; sent += chunk.length) {
  await new Promise((resolve) => socket.write(chunk, resolve));
  peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers - before.arrayBuffers);
}
// Let the server read what is still in flight on loopback.
await new Promise((resolve) => setTimeout(resolve, 200));
const after = await memory();
const errors = text.split('\r\n').filter((l) => l.startsWith('-ERR'));

socket.write('\r\nNOOP\r\n');
await lines(5);
const noop = text.split('\r\n')[4];

const held = Buffer.alloc(TOTAL, 0x41);
const holding = await memory();

const limit = rfcDialect.maxLineLength.TRANSACTION;
console.log(`line limit: ${limit} octets; sent ${mb(TOTAL)} without CRLF`);
console.log(`replies while sending: ${JSON.stringify(errors)}; after CRLF, NOOP got ${JSON.stringify(noop)}`);
console.log(
  `retained after GC: heap ${sign(after.heapUsed - before.heapUsed)}, buffers ${sign(after.arrayBuffers - before.arrayBuffers)}, ` +
    `rss ${sign(after.rss - before.rss)}; peak buffers while sending (no GC, socket chunks in flight) ${sign(peakBuffers)}`,
);
console.log(
  `for scale, holding the line in one Buffer: buffers ${sign(holding.arrayBuffers - before.arrayBuffers)}`,
);
held.fill(0);
socket.destroy();
await pop3.close();

function sign(bytes) {
  return `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
}
