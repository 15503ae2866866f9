import type { Socket } from 'node:net';
import { Client } from 'yapople';

/**
 * The part of yapople 0.4.10 the interop tests use, typed from its source
 * (`lib/yapople.js`; its own `.d.ts` leaves out stat/retr/top/dele). yapople
 * promisifies these methods itself on Node >= 8.
 *
 * Quirks:
 * - No UIDL and no CAPA.
 * - RETR/TOP return a Buffer still dot-stuffed and without the final CRLF
 *   (it slices off `\r\n.\r\n`).
 * - The whole status line must come in the first read of a reply; the end
 *   of a multi-line reply is found on the accumulated buffer.
 * - `quit()` is callback-only; `disconnect()` is its promisified twin.
 */
export interface YapopleClient {
  connect(): Promise<string>;
  stat(): Promise<{ count: number; length: number }>;
  /** Without a number: `{ '1': size, ... }`; with one: the `+OK` text (`"1 123"`). */
  list(number?: number): Promise<Record<string, number> | string>;
  retr(number: number): Promise<Buffer>;
  top(number: number, lines: number): Promise<Buffer>;
  dele(number: number): Promise<string>;
  rset(): Promise<string>;
  disconnect(): Promise<void>;
  _socket: Socket | null;
}

export function yapople(port: number, username: string, password: string): YapopleClient {
  return new Client({ host: '127.0.0.1', port, username, password }) as unknown as YapopleClient;
}

/** Closes yapople's socket without QUIT and waits until it is closed. */
export async function dropYapople(client: YapopleClient): Promise<void> {
  const socket = client._socket;
  if (!socket || socket.destroyed) return;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.destroy();
  await closed;
}
