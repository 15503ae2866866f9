// A minimal POP3 client connection for the load generator: writes commands,
// frames replies (single line, or multi-line up to CRLF "." CRLF) and nothing
// more, so the client spends as little CPU as possible per reply.
import { connect } from 'node:net';

const TERMINATOR = Buffer.from('\r\n.\r\n');
const CRLF = Buffer.from('\r\n');
const MINUS = 0x2d;
const EMPTY = Buffer.alloc(0);

export class Pop3Conn {
  constructor(socket) {
    this.socket = socket;
    this.buf = EMPTY;
    this.waiters = [];
    this.closed = false;
    this.bulk = undefined;
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
        resolve();
      });
    });
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      if (this.bulk) return this.onBulk(chunk);
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.drain();
    });
  }

  static open(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Pop3Conn(socket));
      });
    });
  }

  /** The next reply; `multi` for commands with a multi-line `+OK` reply. */
  expect(multi = false) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ multi, from: 0, resolve, reject });
      this.drain();
    });
  }

  write(text) {
    this.socket.write(text);
  }

  /** Sends one command and reads its reply. */
  command(line, multi = false) {
    this.socket.write(`${line}\r\n`);
    return this.expect(multi);
  }

  destroy() {
    this.socket.destroy();
    return this.closedPromise;
  }

  /**
   * Reads one multi-line reply of any size without keeping it: counts its
   * octets (status line included) and, when `hash` is given, feeds them to
   * it. The end is found from the last five octets only: in a dot-stuffed
   * stream CRLF "." CRLF cannot occur before the terminator.
   */
  readBulk(hash) {
    return new Promise((resolve, reject) => {
      this.bulk = { bytes: 0, tail: EMPTY, hash, resolve, reject };
      const pending = this.buf;
      this.buf = EMPTY;
      if (pending.length > 0) this.onBulk(pending);
      this.closedPromise.then(() => this.bulk?.reject(new Error('connection closed')));
    });
  }

  onBulk(chunk) {
    const b = this.bulk;
    if (b.bytes === 0) b.first = chunk[0];
    b.bytes += chunk.length;
    b.hash?.update(chunk);
    b.tail =
      chunk.length >= 5 ? chunk.subarray(chunk.length - 5) : Buffer.concat([b.tail, chunk]).subarray(-5);
    const done = b.first === MINUS ? b.tail.subarray(-2).equals(CRLF) : b.tail.equals(TERMINATOR);
    if (!done) return;
    this.bulk = undefined;
    if (b.first === MINUS) b.reject(new Error('-ERR reply to a bulk read'));
    else b.resolve(b.bytes);
  }

  drain() {
    while (this.waiters.length > 0 && this.buf.length > 0) {
      const w = this.waiters[0];
      let end;
      if (!w.multi || this.buf[0] === MINUS) {
        const i = this.buf.indexOf(CRLF);
        end = i === -1 ? -1 : i + 2;
      } else {
        const i = this.buf.indexOf(TERMINATOR, w.from);
        end = i === -1 ? -1 : i + 5;
      }
      if (end === -1) {
        w.from = Math.max(0, this.buf.length - 4);
        return;
      }
      this.waiters.shift();
      const reply = this.buf.subarray(0, end);
      this.buf = end === this.buf.length ? EMPTY : this.buf.subarray(end);
      w.resolve(reply);
    }
  }
}

/** True when a reply is positive. */
export function isOk(reply) {
  return reply[0] === 0x2b;
}
