import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { errorCode } from '../error-code';

/** Where and how the capture connects. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (POP3S) from the first byte. */
  readonly tls: boolean;
  /** Options for every TLS handshake (implicit or after STLS): CA, `rejectUnauthorized`, servername. */
  readonly tlsOptions: ConnectionOptions;
  /** How long a reply may take before the server is taken to be silent. */
  readonly timeoutMs: number;
}

/** The server could not be reached, or its TLS handshake failed (`certificate`: it was the certificate check). */
export class ConnectFailed extends Error {
  override readonly name = 'ConnectFailed';

  constructor(
    message: string,
    readonly certificate: boolean,
  ) {
    super(message);
  }
}

// Node's codes for a certificate the client refuses (unknown CA, self-signed, wrong name, expired ...).
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/;

/** A connection or handshake error, said in the capture's words. */
function connectFailed(endpoint: Endpoint, error: unknown, handshake: boolean): ConnectFailed {
  const code = errorCode(error) ?? '';
  const reason = error instanceof Error ? error.message : String(error);
  const where = `${endpoint.host}:${endpoint.port}`;
  if (handshake || CERTIFICATE_CODE.test(code)) {
    return new ConnectFailed(`TLS handshake with ${where} failed: ${reason}`, CERTIFICATE_CODE.test(code));
  }
  return new ConnectFailed(`cannot connect to ${where}: ${reason}`, false);
}

/**
 * The socket `start` makes, once it is connected (and, for TLS, has shaken
 * hands: `start` passes `ready` as the connect callback). Neither waits
 * longer than the endpoint's timeout: a listener that never accepts, or a
 * server that never answers the handshake, fails the capture instead of
 * holding it forever.
 */
function connected<S extends Socket>(
  endpoint: Endpoint,
  afterStls: boolean,
  start: (ready: () => void) => S,
): Promise<S> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const socket = start(() => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(connectFailed(endpoint, error, afterStls));
    });
    timer = setTimeout(() => {
      const handshake = afterStls || !socket.connecting;
      socket.destroy();
      const what = handshake ? 'no TLS handshake' : 'no connection';
      reject(
        connectFailed(
          endpoint,
          new Error(`${what} within ${endpoint.timeoutMs} ms (--timeout-ms)`),
          handshake,
        ),
      );
    }, endpoint.timeoutMs);
  });
}

/**
 * What came back for one command: a line, a whole multi-line answer, the end
 * of the connection, or nothing within the timeout. `cut`: the lines of a
 * multi-line answer that ended (closed, or silent) before its `.`, status line
 * first; such an answer is no answer (a partial CAPA list is no list).
 */
export type Answer =
  | { readonly kind: 'line'; readonly line: string }
  | { readonly kind: 'multi'; readonly line: string; readonly body: readonly string[] }
  | { readonly kind: 'closed'; readonly cut?: readonly string[] }
  | { readonly kind: 'silent'; readonly cut?: readonly string[] };

/**
 * A small POP3 client for probing: it reads replies line by line, without
 * interpreting them, and reports a close or a silence instead of throwing,
 * since both are answers the capture records.
 */
export class LineClient {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake?.();
  };

  private constructor(
    private socket: Socket,
    private readonly endpoint: Endpoint,
  ) {
    this.attach(socket);
  }

  /** Connects (in TLS when the endpoint says so) and returns the client with the greeting line. */
  static async open(
    endpoint: Endpoint,
  ): Promise<{ client: LineClient; greeting: Answer; localAddress: string }> {
    const socket = await connected(endpoint, false, (ready) =>
      endpoint.tls
        ? tlsConnect({ host: endpoint.host, port: endpoint.port, ...endpoint.tlsOptions }, ready)
        : netConnect({ host: endpoint.host, port: endpoint.port }, ready),
    );
    const client = new LineClient(socket, endpoint);
    return { client, greeting: await client.readAnswer(false), localAddress: socket.localAddress ?? '' };
  }

  /** Sends `line` + CRLF and reads a single-line reply (or a multi-line one when `multi` and it starts `+OK`). */
  async send(line: string, multi = false, timeoutMs = this.endpoint.timeoutMs): Promise<Answer> {
    if (this.ended) return { kind: 'closed' };
    this.socket.write(`${line}\r\n`, 'latin1');
    return this.read(multi, timeoutMs);
  }

  /** Sends raw bytes with no CRLF added (the over-long line probe). */
  async sendRaw(data: string, multi = false): Promise<Answer> {
    if (this.ended) return { kind: 'closed' };
    this.socket.write(data, 'latin1');
    return this.readAnswer(multi);
  }

  /** Reads the next reply without sending anything (a second `-ERR` before a close). */
  readAnswer(multi: boolean): Promise<Answer> {
    return this.read(multi, this.endpoint.timeoutMs);
  }

  /** Switches to TLS after a `+OK` to STLS. */
  async startTls(): Promise<void> {
    this.detach(this.socket);
    const plain = this.socket;
    const secure = await connected(this.endpoint, true, (ready) =>
      tlsConnect({ socket: plain, host: this.endpoint.host, ...this.endpoint.tlsOptions }, ready),
    );
    this.socket = secure;
    this.attach(secure);
  }

  /** Whether the server has closed the connection. */
  get closed(): boolean {
    return this.ended && this.buffer.length === 0;
  }

  /** Closes without QUIT: nothing of the session is committed (RFC 1939 §6). */
  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onEnd);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
  }

  private async read(multi: boolean, timeoutMs: number): Promise<Answer> {
    const line = await this.readLine(timeoutMs);
    if (line === undefined) return this.ended ? { kind: 'closed' } : { kind: 'silent' };
    if (!multi || !line.startsWith('+OK')) return { kind: 'line', line };
    const body: string[] = [];
    for (;;) {
      const next = await this.readLine(timeoutMs);
      // Cut before its `.`: the rest may still come, and would be read as the next command's reply.
      if (next === undefined) return { kind: this.ended ? 'closed' : 'silent', cut: [line, ...body] };
      if (next === '.') return { kind: 'multi', line, body };
      body.push(next.startsWith('..') ? next.slice(1) : next);
    }
  }

  /** The next line without its CRLF, or `undefined` on close or silence. */
  private async readLine(timeoutMs: number): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end !== -1) {
        const line = this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      if (this.ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
