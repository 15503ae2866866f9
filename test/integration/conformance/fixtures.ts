import { connect, type Socket } from 'node:net';
import type { RawClient } from '../../helpers/raw-client';
import { wireOf } from '../../helpers/wire';

// Shared helpers of the §1–§9 conformance tests. Expected bytes are computed
// here from the input, independently of the server's own code.

export { login, PASSWORD, USER, withMailbox } from '../../helpers/fixtures';
export { withMock } from '../../helpers/with-mock';

/** Writes all lines (CRLF added to each) in one write, then reads every byte until the server closes. */
export async function script(client: RawClient, lines: readonly string[]): Promise<string> {
  client.write(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));
  return (await client.readToEnd()).toString('latin1');
}

/** Splits CRLF-terminated reply text into lines (the last CRLF does not give an empty line). */
export function replyLines(text: string): string[] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n');
}

/**
 * The octets RFC 1939 §11 says RETR sends for a stored message before
 * stuffing: every LF not preceded by CR becomes CRLF, a bare CR stays, and a
 * final CRLF is added when the message does not end in LF.
 */
export function wireForm(raw: string | Buffer): Buffer {
  return wireOf(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw);
}

export { stuff } from '../../helpers/wire';

/** A raw socket that collects everything it receives (for tests that must write before the greeting). */
export async function rawSocket(port: number): Promise<{ socket: Socket; received: () => Promise<string> }> {
  const socket = connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    received: async () => {
      await closed;
      return Buffer.concat(chunks).toString('latin1');
    },
  };
}

/** Writes `data` and resolves when the socket can take more. */
export function writeDrained(socket: Socket, data: Buffer | string): Promise<void> {
  if (socket.write(data)) return Promise.resolve();
  return new Promise((resolve) => socket.once('drain', () => resolve()));
}

export { within } from '../../helpers/within';
