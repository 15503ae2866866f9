import { connect, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
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
  /** `data` as text lines (in the client's `encoding`), without their CRLF. */
  lines: string[];
}

/** How a {@link RawClient} turns received lines into strings: `latin1` (one char per octet) unless told. */
export interface RawClientOptions {
  encoding?: BufferEncoding;
}

/**
 * A byte-exact POP3 client for tests: writes whatever it is told and reads
 * replies off the wire without interpretation, so tests can check framing,
 * stuffing and sizes octet by octet. It can start in TLS (POP3S,
 * {@link RawClient.connectTls}) or switch to it in the middle of the stream
 * (STLS, {@link RawClient.upgradeToTls}); certificate verification is always
 * on: the caller passes the CA to trust.
 */
export class RawClient {
  // Bytes received and not read yet: store[readAt, filledTo). A chunk is copied into the room after them;
  // a full store is replaced by one twice the unread size, so a large reply costs linear copying
  // however many chunks it comes in. Bytes handed out (pending, readToEnd) are never written again.
  private store: Buffer = Buffer.alloc(0);
  private readAt = 0;
  private filledTo = 0;
  private waiter: (() => void) | undefined;
  private ended = false;
  greeting = '';
  /** How lines and `lines` of multi-line replies are decoded. */
  readonly encoding: BufferEncoding;
  private readonly onData = (chunk: Buffer) => {
    this.append(chunk);
    this.wake();
  };
  private readonly onClose = () => {
    this.ended = true;
    this.wake();
  };

  private constructor(
    public socket: Socket,
    options: RawClientOptions,
  ) {
    this.encoding = options.encoding ?? 'latin1';
    this.attach(socket);
  }

  /** Connects in cleartext and reads the greeting. */
  static async connect(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket, options);
    client.greeting = await client.readLine();
    return client;
  }

  /** Connects with implicit TLS (POP3S), verifying the certificate against `ca`, and reads the greeting. */
  static async connectTls(
    port: number,
    ca: string,
    options: ConnectionOptions & RawClientOptions = {},
  ): Promise<RawClient> {
    const { encoding, ...tls } = options;
    const socket = tlsConnect({ port, host: '127.0.0.1', ca, ...tls });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket, { encoding });
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

  /**
   * Runs the TLS handshake on the current connection (after `+OK` to STLS),
   * verifying the certificate against `ca`. Bytes received in cleartext and
   * not read yet make it throw: after the STLS reply the server must send
   * nothing but TLS.
   */
  async upgradeToTls(ca: string, options: ConnectionOptions = {}): Promise<TLSSocket> {
    if (this.buffer.length > 0) {
      throw new Error(`cleartext after STLS: ${JSON.stringify(this.buffer.toString('latin1'))}`);
    }
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.off('close', this.onClose);
    const secure = tlsConnect({ socket: plain, host: '127.0.0.1', ca, ...options });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return secure;
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
    // `from`: the length already searched; a CRLF may straddle it.
    const end = await this.waitFor((b, from) => b.indexOf('\r\n', Math.max(0, from - 1)));
    const line = this.buffer.subarray(0, end).toString(this.encoding);
    this.consume(end + 2);
    return line;
  }

  /** Reads a status line and, after `+OK`, data up to `CRLF . CRLF`. */
  async readMulti(): Promise<MultiLineReply> {
    const status = await this.readLine();
    if (!status.startsWith('+OK')) return { status, wire: Buffer.alloc(0), data: Buffer.alloc(0), lines: [] };
    const end = await this.waitFor((b, from) =>
      b.subarray(0, 3).toString() === '.\r\n' ? -2 : b.indexOf('\r\n.\r\n', Math.max(0, from - 4)),
    );
    const dataEnd = end === -2 ? 0 : end + 2;
    const wire = Buffer.from(this.buffer.subarray(0, dataEnd));
    this.consume(dataEnd + 3);
    const data = unstuff(wire);
    const text = data.toString(this.encoding);
    return { status, wire, data, lines: text === '' ? [] : text.slice(0, -2).split('\r\n') };
  }

  /** Every byte until the server closes. */
  async readToEnd(): Promise<Buffer> {
    await this.waitFor(() => (this.ended ? 0 : -1), true);
    const rest = this.buffer;
    this.consume(rest.length);
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

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', () => {});
  }

  private get buffer(): Buffer {
    return this.store.subarray(this.readAt, this.filledTo);
  }

  private append(chunk: Buffer): void {
    if (this.filledTo + chunk.length > this.store.length) {
      const unread = this.filledTo - this.readAt;
      const next = Buffer.allocUnsafe(Math.max(2 * (unread + chunk.length), 16 * 1024));
      this.store.copy(next, 0, this.readAt, this.filledTo);
      this.store = next;
      this.readAt = 0;
      this.filledTo = unread;
    }
    chunk.copy(this.store, this.filledTo);
    this.filledTo += chunk.length;
  }

  /** Drops the first `octets` unread bytes. */
  private consume(octets: number): void {
    this.readAt += octets;
  }

  /**
   * Resolves with what `find` returns once it is not -1. `find` gets the unread bytes and how many
   * of them it has already searched without a match (0 on its first call).
   */
  private async waitFor(find: (b: Buffer, from: number) => number, allowEnd = false): Promise<number> {
    for (let searched = 0; ; ) {
      const unread = this.buffer;
      const at = find(unread, searched);
      if (at !== -1) return at;
      searched = unread.length;
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
