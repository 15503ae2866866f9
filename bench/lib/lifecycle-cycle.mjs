// The timed lifecycle cycle of (a), for any server that starts, greets and
// closes: shared by lifecycle.mjs (mock against floor) and lifecycle-ab.mjs
// (builds against each other).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { num, stats } from './common.mjs';

/** Connects and resolves once the first line (the greeting) has arrived. */
export function readGreeting(port) {
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

/**
 * One cycle of a server `start()` resolves to (`{ port, close() }`): start,
 * a client reads the greeting (and with `withQuit` sends QUIT and waits for
 * the server to close), close. Its time, ms, with its phases: `start` until
 * the server listens, `greeting` until the client has it (with QUIT, until
 * the server has closed after its reply), `close` until the port is free and
 * the socket closed.
 */
export async function timedCycle(start, withQuit = false) {
  const t0 = performance.now();
  const server = await start();
  const t1 = performance.now();
  const { socket, closed } = await readGreeting(server.port);
  if (withQuit) {
    socket.write('QUIT\r\n');
    await closed;
  }
  const t2 = performance.now();
  await server.close();
  await closed;
  const t3 = performance.now();
  return { total: t3 - t0, start: t1 - t0, greeting: t2 - t1, close: t3 - t2 };
}

/** The median of each phase of `runs` (timedCycle's results), µs: `a / b / c`. */
export function phaseMedians(runs) {
  return ['start', 'greeting', 'close']
    .map((phase) => num(stats(runs.map((r) => r[phase] * 1000)).median, 0))
    .join(' / ');
}

/**
 * The fixture cache does not keep a file changed in the last 3 s (its
 * racily-clean window, src/fixtures/file-cache.ts): files written here wait
 * that long, to be as old as a suite's fixture files in a repository.
 */
const SETTLE_MS = 3100;

/**
 * `messages` written as `.eml` files in a temporary folder (removed at exit);
 * their paths, once the files are older than the cache's racily-clean window.
 */
export async function emlFiles(messages) {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-bench-eml-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const files = messages.map((text, i) => {
    const file = join(dir, `${i + 1}.eml`);
    writeFileSync(file, text);
    return file;
  });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return files;
}

/**
 * Connections in TIME_WAIT (Linux; undefined elsewhere). Each cycle leaves
 * one (the server closes first, on both sides), and the kernel's search for a
 * free ephemeral port for listen() slows as they pile up: a cost both sides
 * pay, which pulls the ratio towards 1, so a run reports how many there were.
 */
export function timeWaitCount() {
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

/**
 * Waits (up to `maxMs`) until fewer than `below` connections are in
 * TIME_WAIT: a run that starts among the tens of thousands an earlier run
 * left (the kernel keeps each for 60 s) reads every ratio near 1x (a listen
 * took over a millisecond, for the floor too). Returns the count it started
 * at and the one it ended at.
 */
export async function drainTimeWait({ below = 1_000, maxMs = 90_000 } = {}) {
  const from = timeWaitCount();
  const until = Date.now() + maxMs;
  let now = from;
  while (now !== undefined && now >= below && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    now = timeWaitCount();
  }
  return { from, to: now };
}
