// A child (forked by session-path-ab.mjs) that runs (b)'s pipelined session
// through one build's server over an in-memory socket, and reports the CPU
// it took. Requests arrive over IPC as { id, op } (lib/child.mjs); answers
// are { id, result } or { id, error }.
//
// Reaches into the built Pop3Mock's private `server` (the net.Server whose
// 'connection' listener accepts a session): a benchmark-only hack.
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveRequests } from './child.mjs';
import { smallMessages } from './fixtures.mjs';
import { PASSWORD, SCRIPT, USER } from './session-load.mjs';

const SESSIONS = 2_000;
const PIPELINED = Buffer.from(SCRIPT.map((s) => `${s.line}\r\n`).join(''));

/**
 * As much of a net.Socket as a session uses. Writes are taken at once; the
 * client answers the greeting with the whole script in one read, and the
 * server side's end (FIN after QUIT) closes the socket on the next tick, as
 * a client that closes at once would.
 */
class MemorySocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  remotePort = 40000;
  writableLength = 0;
  destroyed = false;
  written = 0;
  constructor(done) {
    super();
    this.done = done;
  }
  write(chunk, encoding, callback) {
    this.written += chunk.length;
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (cb) process.nextTick(cb);
    // From the event loop, as a real socket's data comes: after the write's promises and ticks.
    if (this.written === chunk.length) setImmediate(() => this.emit('data', PIPELINED));
    return true;
  }
  cork() {}
  uncork() {}
  pause() {}
  resume() {}
  end() {
    this.close();
  }
  destroySoon() {
    this.close();
  }
  destroy() {
    this.close();
  }
  resetAndDestroy() {
    this.close();
  }
  close() {
    if (this.destroyed) return;
    this.destroyed = true;
    process.nextTick(() => {
      this.emit('close', false);
      this.done(this.written);
    });
  }
}

const { startPop3Mock } = await import(pathToFileURL(resolve(process.argv[2], 'index.mjs')).href);
const pop3 = await startPop3Mock({
  lock: 'none',
  users: { [USER]: { password: PASSWORD, messages: smallMessages(2, 1024) } },
});

/** One session through the server; resolves with the octets it wrote. */
const session = () => new Promise((done) => pop3.server.emit('connection', new MemorySocket(done)));

const ops = {
  /** The octets one session writes (the builds compared should write the same). */
  async octets() {
    const octets = await session();
    await pop3.reset();
    return octets;
  },
  /** CPU µs per session over a batch, eight at a time as (b)'s eight clients. */
  async batch() {
    const cpu0 = process.cpuUsage();
    let next = 0;
    const worker = async () => {
      while (next++ < SESSIONS) await session();
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const cpu = process.cpuUsage(cpu0);
    await pop3.reset();
    return (cpu.user + cpu.system) / SESSIONS;
  },
};

serveRequests(ops, () => pop3.close());
