import type Pop3Command from 'node-pop3' with { 'resolution-mode': 'import' };

// node-pop3 ships ESM types only; a CommonJS program takes the types with
// `resolution-mode: import` and requires its CommonJS build (lib/Command.cjs).
const Pop3CommandClass = require('node-pop3') as typeof Pop3Command;

/** Where to fetch from. */
export interface Pop3Account {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The connection went away in the middle of a command. */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
}

/**
 * A logged-in node-pop3 client whose commands reject when the connection
 * drops. node-pop3 0.11 does not: a RETR whose connection closes mid-reply
 * never settles (found with `on('RETR').closeAfterBytes(100)`; its `timeout`
 * does not help, the socket is already closed), and an RST mid-reply is an
 * unhandled 'error' event (found with `resetAfterBytes(100)`). So every
 * command races the socket's `close` event.
 */
export class Pop3Session {
  private constructor(
    private readonly client: Pop3Command,
    private readonly lost: Promise<never>,
  ) {}

  static async open(account: Pop3Account): Promise<Pop3Session> {
    const client = new Pop3CommandClass({ ...account, timeout: 10_000 });
    // An RST during a multi-line reply is emitted as an 'error' event nobody
    // listens to, which would crash the process; the `close` below reports it.
    client.on('error', () => {});
    await client._connect(); // connects, USER, PASS
    const socket = client._socket;
    if (!socket) throw new ConnectionLostError('connection closed right after login');
    const lost = new Promise<never>((_, reject) =>
      socket.once('close', () => reject(new ConnectionLostError('connection lost'))),
    );
    lost.catch(() => {}); // settled after QUIT too; only a pending command cares
    return new Pop3Session(client, lost);
  }

  /** `[number, uid]` pairs of the maildrop. */
  async uidl(): Promise<[number, string][]> {
    const list = (await this.guard(this.client.UIDL())) as string[][];
    return list.map(([number, uid]) => [Number(number), uid ?? '']);
  }

  /** The message as sent, dot-stuffing removed, final CRLF restored. */
  async retr(number: number): Promise<string> {
    const data = await this.guard(this.client.RETR(number));
    // node-pop3 hands the data back still dot-stuffed, without its last CRLF.
    return `${data.replace(/(^|\r\n)\.\./g, '$1.')}\r\n`;
  }

  async dele(number: number): Promise<void> {
    await this.guard(this.client.DELE(number));
  }

  /** QUIT: the server deletes the messages marked with DELE only now (UPDATE state). */
  async quit(): Promise<void> {
    await this.guard(this.client.QUIT());
  }

  /** Drops the connection without QUIT: no message marked for deletion is deleted. */
  abort(): void {
    this.client._socket?.destroy();
  }

  private guard<T>(command: Promise<T>): Promise<T> {
    return Promise.race([command, this.lost]);
  }
}
