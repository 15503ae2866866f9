import { connect, type Socket } from 'node:net';
import { unstuff } from './wire';

export { unstuff } from './wire';

/** A multi-line reply as it came off the wire. */
export interface MultiLineReply {
  /** The status line without CRLF. */
  status: string;
  /** Data octets between the status line and the terminator, still dot-stuffed. */
  wire: Buffer;
  /** The same with stuffing removed: what the message really holds. */
  data: Buffer;
}

/**
 * A byte-exact POP3 client for tests: writes whatever it is told and reads
 * replies off the wire without interpretation, so tests can check framing,
 * stuffing and sizes octet by octet.
 */
export class RawClient {
  private joined: Buffer = Buffer.alloc(0);
  // Received chunks are joined lazily, so a large reply costs one copy, not one per chunk.
  private chunks: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  greeting = '';

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    client.greeting = await client.readLine();
    return client;
  }

  /** Connects, logs in with USER/PASS and checks the `+OK`. */
  static async login(port: number, user: string, password: string): Promise<RawClient> {
    const client = await RawClient.connect(port);
    const u = await client.command(`USER ${user}`);
    const p = await client.command(`PASS ${password}`);
    if (!u.startsWith('+OK') || !p.startsWith('+OK')) throw new Error(`login failed: ${u} / ${p}`);
    return client;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a line (CRLF added) and reads a single-line reply. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.readLine();
  }

  /** Sends a line and reads a multi-line reply (or the single `-ERR` line). */
  async multi(line: string): Promise<MultiLineReply> {
    this.write(`${line}\r\n`);
    return this.readMulti();
  }

  /** Reads one CRLF-terminated line. */
  async readLine(): Promise<string> {
    const end = await this.waitFor((b) => b.indexOf('\r\n'));
    const line = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(end + 2);
    return line;
  }

  /** Reads a status line and, after `+OK`, data up to `CRLF . CRLF`. */
  async readMulti(): Promise<MultiLineReply> {
    const status = await this.readLine();
    if (!status.startsWith('+OK')) return { status, wire: Buffer.alloc(0), data: Buffer.alloc(0) };
    const end = await this.waitFor((b) =>
      b.subarray(0, 3).toString() === '.\r\n' ? -2 : b.indexOf('\r\n.\r\n'),
    );
    const dataEnd = end === -2 ? 0 : end + 2;
    const wire = Buffer.from(this.buffer.subarray(0, dataEnd));
    this.buffer = this.buffer.subarray(dataEnd + 3);
    return { status, wire, data: unstuff(wire) };
  }

  /** Every byte until the server closes. */
  async readToEnd(): Promise<Buffer> {
    await this.waitFor(() => (this.ended ? 0 : -1), true);
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  /** Resolves when the server has closed the connection. */
  async closed(): Promise<void> {
    await this.readToEnd();
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Bytes received and not read yet. */
  get pending(): Buffer {
    return this.buffer;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** RST instead of FIN. */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  private get buffer(): Buffer {
    if (this.chunks.length > 0) {
      this.joined = Buffer.concat([this.joined, ...this.chunks]);
      this.chunks = [];
    }
    return this.joined;
  }

  private set buffer(value: Buffer) {
    this.joined = value;
  }

  private async waitFor(find: (b: Buffer) => number, allowEnd = false): Promise<number> {
    for (;;) {
      const at = find(this.buffer);
      if (at !== -1) return at;
      if (this.ended && !allowEnd) {
        throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      }
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
