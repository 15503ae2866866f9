// Shared fixtures for the §10–§16 and §19 conformance tests and the disconnect tests.
// Expected bytes are computed here from the raw input, independently of src/.
import { type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../../src';
import type { MessageSource } from '../../../src';
import { RawClient } from '../../helpers/raw-client';

export const USER = 'alice';
export const PASSWORD = 'secret';

/** Three messages of different sizes, stored with bare LF line ends. */
export const THREE: readonly string[] = [
  'From: a@example.com\nTo: alice@example.com\nSubject: one\n\nfirst body\n',
  'From: b@example.com\nTo: alice@example.com\nSubject: two\n\nsecond\nbody, longer\n',
  'From: c@example.com\nTo: alice@example.com\nSubject: three\n\nthird line 1\nthird line 2\nthird line 3\n',
];

/**
 * The wire form RFC 1939 §3/§11 asks for, computed independently of the
 * server: every LF not preceded by CR becomes CRLF, a bare CR stays, and a
 * message without a final line break gets CRLF appended.
 */
export function wireOf(raw: string | Buffer): Buffer {
  const input = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === 0x0a && (i === 0 || input[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(byte);
  }
  if (input.length > 0 && input[input.length - 1] !== 0x0a) out.push(0x0d, 0x0a);
  return Buffer.from(out);
}

/** LIST size: the octets RETR sends before dot-stuffing. */
export function sizeOf(raw: string | Buffer): number {
  return wireOf(raw).length;
}

/** Dot-stuffing per RFC 1939 §3, computed independently of the server. */
export function stuff(wire: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < wire.length) {
    const lf = wire.indexOf(0x0a, start);
    const end = lf === -1 ? wire.length : lf + 1;
    if (wire[start] === 0x2e) parts.push(Buffer.from('.'));
    parts.push(wire.subarray(start, end));
    start = end;
  }
  return Buffer.concat(parts);
}

/** The exact `n size` lines of a scan listing, each with CRLF. */
export function scanListing(entries: readonly [number, string | Buffer][]): string {
  return entries.map(([n, raw]) => `${n} ${sizeOf(raw)}\r\n`).join('');
}

/** `+OK` followed by end of line or a space and free text (RFC 1939 §3). */
export const OK = /^\+OK( |$)/;
/** `-ERR` followed by end of line or a space and free text (RFC 1939 §3). */
export const ERR = /^-ERR( |$)/;

/** Starts a mock with one user holding `messages`, runs `body`, always closes the mock. */
export async function withMock(
  messages: MessageSource | readonly MessageSource[],
  body: (pop3: Pop3Mock) => Promise<void>,
  options: Pop3MockOptions = {},
): Promise<void> {
  const pop3 = await startPop3Mock({ ...options, users: { [USER]: { password: PASSWORD, messages } } });
  try {
    await body(pop3);
  } finally {
    await pop3.close();
  }
}

/** Logs in as the fixture user. */
export function login(pop3: Pop3Mock): Promise<RawClient> {
  return RawClient.login(pop3.port, USER, PASSWORD);
}

/** Asserts the session still answers: NOOP gets `+OK`. */
export async function expectAlive(client: RawClient): Promise<void> {
  expect(await client.command('NOOP')).toMatch(OK);
}

/** Sends QUIT, expects `+OK`, and waits for the server to close the connection. */
export async function quit(client: RawClient): Promise<void> {
  expect(await client.command('QUIT')).toMatch(OK);
  await client.closed();
}

/**
 * A large message (about `bytes` octets) with lines of varied length. With
 * `dots`, every 7th body line starts with '.', so stuffing is exercised
 * across chunk boundaries. Bare LF line ends, as stored by most fixtures.
 */
export function bigMessage(bytes: number, dots = false): Buffer {
  const parts: string[] = ['From: big@example.com\nSubject: big\n\n'];
  let length = parts[0]!.length;
  for (let i = 0; length < bytes; i++) {
    const width = 1 + ((i * 37) % 120);
    const line = `${dots && i % 7 === 0 ? '.' : ''}${String(i).padStart(8, '0')}${'x'.repeat(width)}\n`;
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

export const FIVE_MB = 5 * 1024 * 1024;
