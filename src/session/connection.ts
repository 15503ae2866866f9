import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { Pending } from '../pending';
import type { TlsError } from './tls-failure';

/** How a TLS handshake went: done, or failed with what Node reported. */
export type TlsUpgrade = { secured: true } | { secured: false; error: TlsError };

/** Bytes a connection may have queued before a writer waits for the socket to drain. */
const WRITE_WINDOW = 1024 * 1024;
/** Nothing: written after a chunk, its callback says when the chunk was handed on. */
const EMPTY = Buffer.alloc(0);

/**
 * Octets of a connection's output completed when {@link Connection.outputMoved}
 * last looked: kept aside, not in a field, as few sessions are ever looked
 * at (an idle session's size is a benchmark of its own).
 */
const takenAtLastLook = new WeakMap<Connection, number>();

/** How a connection was ended by the server side. */
export type CloseMode = 'fin' | 'reset';

/** Who reads a connection (the session): received bytes, and the client's FIN. */
export interface ConnectionReader {
  received(chunk: Buffer): void;
  peerEnded(): void;
}

// The socket listeners are shared functions that find their connection on
// the socket, not closures made per connection: an idle session is mostly
// such small objects, and a server may hold thousands.
const OWNER = Symbol('pop3-mock connection');
type OwnedSocket = Socket & { [OWNER]?: Connection };

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[OWNER]?.socketData(chunk);
}
function onSocketEnd(this: OwnedSocket): void {
  this[OWNER]?.socketEnded();
}
function onSocketError(): void {
  // Resets and TLS failures end the session; 'close' follows.
}
function onSocketClose(this: OwnedSocket): void {
  this[OWNER]?.socketClosed();
}

/**
 * The only owner of a client socket: writes with backpressure, closes with
 * FIN or RST, and upgrades to TLS for STLS. Socket errors end the connection
 * quietly; they never reach the host process.
 */
export class Connection {
  private closedFlag = false;
  private closeWaiters: (() => void)[] | undefined;
  private reader: ConnectionReader | undefined;
  private endWatcher: Pick<ConnectionReader, 'peerEnded'> | undefined;
  /** Bytes that arrived before anyone reads (a client that does not wait for the greeting). */
  private early: Buffer[] | undefined;
  private peerEnded = false;

  /** The TCP socket under TLS too: the one an RST is sent on. */
  private readonly tcp: Socket;

  constructor(
    private socket: Socket,
    /** Called once when the socket is gone, with whether the server side closed it. */
    private readonly onClosed: (byServer: boolean) => void,
  ) {
    this.tcp = socket;
    this.attach(socket);
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Starts delivering received bytes to `reader`, first those that came early. */
  read(reader: ConnectionReader): void {
    this.reader = reader;
    const early = this.early;
    this.early = undefined;
    for (const chunk of early ?? []) reader.received(chunk);
  }

  /** `watcher.peerEnded()` runs when the client has sent its FIN (at once if it already has). */
  whenPeerEnds(watcher: Pick<ConnectionReader, 'peerEnded'>): void {
    this.endWatcher = watcher;
    if (this.peerEnded) watcher.peerEnded();
  }

  /** Holds writes back so several pipelined replies leave in one segment. */
  cork(): void {
    if (!this.corked && !this.closedFlag) {
      this.corked = true;
      this.socket.cork();
    }
  }

  uncork(): void {
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /**
   * Writes bytes and gives how many the socket took: all of them, or 0 when
   * it writes nothing (closed, or waiting for a TLS handshake). At once while
   * less than {@link WRITE_WINDOW} is queued, else as a promise of the
   * chunk's reaching the operating system (0 when the connection closed first). The window keeps a large RETR streaming
   * without a round trip per chunk, and bounds memory.
   */
  write(chunk: Buffer): Pending<number> {
    // Plaintext where the client expects a ServerHello would only garble it.
    if (this.closedFlag || this.socket.destroyed || this.awaitingHandshake) return 0;
    this.socket.write(chunk);
    if (this.socket.writableLength <= WRITE_WINDOW) return chunk.length;
    // Corked bytes never drain: let them go before waiting.
    this.uncork();
    // An empty write's callback comes once the chunk before it reached the operating system, with an
    // error if the client went first (RST, close, autologout): then the transcript must not count it.
    return new Promise((resolve) => {
      const closed = () => resolve(0);
      this.socket.once('close', closed);
      this.socket.write(EMPTY, (error) => {
        this.socket.off('close', closed);
        resolve(error ? 0 : chunk.length);
      });
    });
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  flush(): Promise<void> {
    if (this.closedFlag || this.socket.destroyed) return Promise.resolve();
    this.uncork();
    return new Promise((resolve) => this.socket.write(EMPTY, () => resolve()));
  }

  /** FIN after everything written so far is flushed. */
  end(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    this.uncork();
    this.serverClosing = true;
    this.socket.end();
    // A client that never closes its side must not keep us waiting.
    this.socket.destroySoon();
    return this.whenClosed();
  }

  /** RST: unsent bytes are dropped, the peer sees ECONNRESET. */
  reset(): void {
    if (this.closedFlag) return;
    this.serverClosing = true;
    // On the TCP socket: a TLS socket's resetAndDestroy() throws (its handle is no TCP handle), and
    // the TLS socket over it closes with it.
    this.tcp.resetAndDestroy();
  }

  /**
   * Where a handshake should begin and none will run (the handshake-failure fault): as in
   * {@link upgradeToTls} until the client's first byte, nothing is written, and a client that
   * half-closes is gone. Resolves at that byte, at the close, or at `released`.
   */
  awaitHandshakeStart(released: Promise<void>): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    const socket = this.socket;
    this.awaitingHandshake = true;
    return new Promise((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        socket.off('data', done);
        socket.off('close', done);
        socket.off('end', ended);
        this.awaitingHandshake = false;
        resolve();
      };
      // A client that half-closes without a byte has nothing more to say: its close, as in upgradeToTls.
      const ended = () => socket.destroy();
      socket.on('data', done);
      socket.on('close', done);
      socket.once('end', ended);
      void released.then(done);
      // As upgradeToTls does: lines pipelined after STLS may have paused the socket (input backpressure).
      socket.resume();
    });
  }

  /** Octets written but not yet taken by the operating system. */
  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Whether output is waiting and the client has taken some of it since the
   * last call (a write completed: the kernel lets a socket write again after
   * some of its buffer was read, about 1.4 MB on loopback). True at the first
   * call with output waiting, when nothing was measured before. For
   * autologout: a client still reading a reply is not idle. Read only when a
   * period ends.
   */
  outputMoved(): boolean {
    const waiting = this.socket.writableLength;
    if (waiting === 0) return false;
    const taken = this.socket.bytesWritten - waiting;
    const last = takenAtLastLook.get(this);
    takenAtLastLook.set(this, taken);
    return last === undefined || taken > last;
  }

  /** Immediate close without flushing (server shutdown). */
  destroy(): void {
    if (this.closedFlag) return;
    this.serverClosing = true;
    this.socket.destroy();
  }

  whenClosed(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.closeWaiters ??= [];
      this.closeWaiters.push(resolve);
    });
  }

  /**
   * Switches to TLS at the current point of the byte stream. The plaintext
   * reader is detached first, so nothing the client pipelined in plaintext
   * after STLS is ever read as a command (RFC 2595 §4, CVE-2011-0411 family).
   * The handshake begins with the client's first bytes, kept for
   * {@link handshakeStart}: a close before any byte is no handshake, and bytes
   * that are no TLS record are not a client's refusal. Resolves with what
   * Node reported when the handshake fails.
   */
  upgradeToTls(secureContext: SecureContext): Promise<TlsUpgrade> {
    this.uncork();
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    this.handshakeBytes = undefined;
    this.awaitingHandshake = true;
    return new Promise((resolve) => {
      const failed = () => resolve({ secured: false, error: this.handshakeError() });
      // Until the first byte the plain socket's own 'close' listener stays: a
      // close now (the client's, or the server's) ends the connection as usual.
      plain.once('close', failed);
      // A client that half-closes without a byte has nothing more to say.
      const ended = () => plain.destroy();
      plain.once('end', ended);
      plain.once('data', (chunk: Buffer) => {
        plain.off('close', failed);
        plain.off('end', ended);
        this.awaitingHandshake = false;
        this.handshakeBytes = chunk;
        // Handed back to the stream: the TLS socket reads what is buffered first.
        plain.pause();
        plain.unshift(chunk);
        plain.removeAllListeners('close');
        this.startTls(plain, secureContext).then(resolve);
      });
      plain.resume();
    });
  }

  private startTls(plain: Socket, secureContext: SecureContext): Promise<TlsUpgrade> {
    const secure = new TLSSocket(plain, { isServer: true, secureContext });
    // The first error explains the failure (a reset may follow an alert).
    const remember = (error: Error & { code?: unknown; reason?: unknown }) => {
      this.tlsFailure ??= {
        code: typeof error.code === 'string' ? error.code : '',
        reason: typeof error.reason === 'string' ? error.reason : '',
      };
    };
    // A client that hangs up mid-handshake is gone: there is no session to drain.
    secure.once('end', () => {
      if (!this.handshakeDone) secure.destroy();
    });
    // A standalone server-side TLSSocket reports TLS failures only through this
    // internal event (tls.Server listens to it); without it a fatal alert
    // would leave the connection open.
    secure.on('_tlsError', (error: Error) => {
      remember(error);
      secure.destroy();
    });
    secure.on('error', (error: Error) => {
      if (!this.handshakeDone) remember(error);
    });
    this.socket = secure;
    this.attach(secure);
    return new Promise((resolve) => {
      secure.once('secure', () => {
        this.handshakeDone = true;
        resolve({ secured: true });
      });
      secure.once('close', () => resolve({ secured: false, error: this.handshakeError() }));
    });
  }

  /**
   * Why the last handshake failed, as Node reported it; empty strings when
   * the client closed without a word. Read it once the connection is closed.
   */
  handshakeError(): TlsError {
    return this.tlsFailure ?? { code: '', reason: '' };
  }

  /**
   * The first bytes the client sent where the handshake was to begin (one
   * read's worth); undefined when it sent none.
   */
  handshakeStart(): Buffer | undefined {
    return this.handshakeBytes;
  }

  private handshakeBytes: Buffer | undefined;
  /** Between STLS (or the POP3S accept) and the client's first byte: nothing may be written. */
  private awaitingHandshake = false;
  private tlsFailure: TlsError | undefined;
  private serverClosing = false;
  private corked = false;
  private handshakeDone = false;

  private attach(socket: Socket): void {
    (socket as OwnedSocket)[OWNER] = this;
    socket.on('data', onSocketData);
    // The server listens with allowHalfOpen: a client that half-closes after
    // pipelining its last commands still gets every reply.
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  /** @internal The socket's 'data' (see {@link OWNER}). */
  socketData(chunk: Buffer): void {
    if (this.closedFlag) return;
    if (this.reader) {
      this.reader.received(chunk);
      return;
    }
    this.early ??= [];
    this.early.push(chunk);
  }

  /** @internal The socket's 'end'. */
  socketEnded(): void {
    this.peerEnded = true;
    this.endWatcher?.peerEnded();
  }

  /** @internal The socket's 'close'. */
  socketClosed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.onClosed(this.serverClosing);
    const waiters = this.closeWaiters;
    this.closeWaiters = undefined;
    for (const w of waiters ?? []) w();
  }
}
