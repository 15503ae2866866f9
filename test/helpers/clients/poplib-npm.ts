import type { EventEmitter } from 'node:events';

/**
 * Promise wrapper around the event-based `poplib` 0.1.7 client (npm). Every
 * command emits an event whose first argument says whether the server
 * answered `+OK`; the wrapper turns that into a resolved `{ ok, ... }`, and
 * rejects only when the client itself complains (`error`, `invalid-state`,
 * `locked`) or the socket closes first.
 *
 * Quirks (from `main.js`):
 * - Received bytes are decoded with `toString('ascii')`, which clears the high
 *   bit of every octet: 8-bit message content comes back mangled.
 * - RETR data is handed back still dot-stuffed and without the final CRLF;
 *   TOP data is dot-stuffed and keeps its final CRLF.
 * - A single-line reply is taken from whatever the first read holds.
 * - No way to drop the connection except `end()` (a FIN, not a destroy).
 */
interface PoplibRaw extends EventEmitter {
  login(user: string, password: string): void;
  stat(): void;
  list(number?: number): void;
  uidl(number?: number): void;
  retr(number: number): void;
  top(number: number, lines: number): void;
  dele(number: number): void;
  rset(): void;
  noop(): void;
  capa(): void;
  quit(): void;
  end(): void;
  data: { banner: string };
}

type PoplibConstructor = new (port: number, host: string, options?: { debug?: boolean }) => PoplibRaw;

// poplib ships no types; its constructor is the module itself.
const POP3Client = require('poplib') as PoplibConstructor;

export interface PoplibReply {
  ok: boolean;
  /** The raw data the client received for this command. */
  raw: string;
}

export class PoplibNpm {
  private closed = false;
  private readonly whenClosed: Promise<void>;

  private constructor(readonly client: PoplibRaw) {
    this.whenClosed = new Promise((resolve) =>
      client.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  /** Connects and waits for the greeting. */
  static async connect(port: number): Promise<PoplibNpm> {
    const wrapper = new PoplibNpm(new POP3Client(port, '127.0.0.1'));
    const [ok, data] = await wrapper.call('connect', () => {});
    if (ok !== true) throw new Error(`poplib could not connect: ${String(data)}`);
    return wrapper;
  }

  get banner(): string {
    return this.client.data.banner;
  }

  async login(user: string, password: string): Promise<PoplibReply> {
    const [ok, raw] = await this.call('login', () => this.client.login(user, password));
    return { ok: ok === true, raw: String(raw) };
  }

  async stat(): Promise<PoplibReply & { count?: string; octets?: string }> {
    const [ok, value, raw] = await this.call('stat', () => this.client.stat());
    const parsed = value as { count: string; octets: string } | null;
    return { ok: ok === true, raw: String(raw), count: parsed?.count, octets: parsed?.octets };
  }

  /** `sizes[n]` is the size of message n, as a string (index 0 unused). */
  async list(): Promise<PoplibReply & { count: number; sizes: (string | undefined)[] }> {
    const [ok, count, , sizes, raw] = await this.call('list', () => this.client.list());
    return { ok: ok === true, raw: String(raw), count: count as number, sizes: (sizes ?? []) as string[] };
  }

  /** `uids[n]` is the uid of message n (index 0 unused). */
  async uidl(): Promise<PoplibReply & { uids: (string | undefined)[] }> {
    const [ok, , uids, raw] = await this.call('uidl', () => this.client.uidl());
    return { ok: ok === true, raw: String(raw), uids: (uids ?? []) as string[] };
  }

  async retr(number: number): Promise<PoplibReply & { data: string | null }> {
    const [ok, , data, raw] = await this.call('retr', () => this.client.retr(number));
    return { ok: ok === true, raw: String(raw), data: data as string | null };
  }

  async top(number: number, lines: number): Promise<PoplibReply & { data: string | null }> {
    const [ok, , data, raw] = await this.call('top', () => this.client.top(number, lines));
    return { ok: ok === true, raw: String(raw), data: data as string | null };
  }

  async dele(number: number): Promise<PoplibReply> {
    const [ok, , raw] = await this.call('dele', () => this.client.dele(number));
    return { ok: ok === true, raw: String(raw) };
  }

  async rset(): Promise<PoplibReply> {
    const [ok, raw] = await this.call('rset', () => this.client.rset());
    return { ok: ok === true, raw: String(raw) };
  }

  async capa(): Promise<PoplibReply & { lines: string[] | null }> {
    const [ok, lines, raw] = await this.call('capa', () => this.client.capa());
    return { ok: ok === true, raw: String(raw), lines: lines as string[] | null };
  }

  /** QUIT; resolves once the reply is in and the socket has closed. */
  async quit(): Promise<PoplibReply> {
    const [ok, raw] = await this.call('quit', () => this.client.quit());
    await this.whenClosed;
    return { ok: ok === true, raw: String(raw) };
  }

  /** Ends the connection without QUIT (poplib can only send a FIN) and waits for the close. */
  async end(): Promise<void> {
    if (!this.closed) this.client.end();
    await this.whenClosed;
  }

  private call(event: string, start: () => void): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const failures: Record<string, (arg: unknown) => Error> = {
        error: (e) => (e instanceof Error ? e : new Error(String(e))),
        'invalid-state': (cmd) => new Error(`poplib: invalid state for ${String(cmd)}`),
        locked: (cmd) => new Error(`poplib: locked, ${String(cmd)} refused`),
        close: () => new Error(`poplib: connection closed before "${event}"`),
      };
      const handlers: [string, (...args: unknown[]) => void][] = [];
      const cleanup = () => {
        for (const [name, h] of handlers) this.client.off(name, h);
      };
      handlers.push([
        event,
        (...args) => {
          cleanup();
          resolve(args);
        },
      ]);
      for (const [name, make] of Object.entries(failures)) {
        handlers.push([
          name,
          (arg) => {
            cleanup();
            reject(make(arg));
          },
        ]);
      }
      for (const [name, h] of handlers) this.client.on(name, h);
      start();
    });
  }
}
