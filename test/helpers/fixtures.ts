// Shared fixtures of the §10–§16 and §19 conformance tests, the disconnect and
// robustness tests and the fuzz properties (checklist sections: docs/CONFORMANCE.md).
// Expected bytes are computed here from the raw input, independently of src/.

import type { Pop3Mock } from '../../src';
import { RawClient } from './raw-client';
import { wireOf as wireOfBytes } from './wire';
import { PASSWORD, USER } from './with-mock';

export { PASSWORD, USER, withMailbox } from './with-mock';

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
  return wireOfBytes(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
}

/** LIST size: the octets RETR sends before dot-stuffing. */
export function sizeOf(raw: string | Buffer): number {
  return wireOf(raw).length;
}

export { stuff } from './wire';

/** The exact `n size` lines of a scan listing, each with CRLF. */
export function scanListing(entries: readonly [number, string | Buffer][]): string {
  return entries.map(([n, raw]) => `${n} ${sizeOf(raw)}\r\n`).join('');
}

/** `+OK` followed by end of line or a space and free text (RFC 1939 §3). */
export const OK = /^\+OK( |$)/;
/** `-ERR` followed by end of line or a space and free text (RFC 1939 §3). */
export const ERR = /^-ERR( |$)/;

/** Logs in with USER/PASS (the fixture user by default) and checks the `+OK`s. */
export function login(pop3: Pop3Mock, user = USER, password = PASSWORD): Promise<RawClient> {
  return RawClient.login(pop3.port, user, password);
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
  // Written into one buffer: joining ~80,000 line strings took ~170 ms per 5 MB, several times a file.
  // Room for the last line past `bytes`: a dot, up to 16 digits, 120 x's, LF.
  const out = Buffer.alloc(bytes + 200);
  let at = out.write('From: big@example.com\nSubject: big\n\n', 0, 'latin1');
  for (let i = 0; at < bytes; i++) {
    if (dots && i % 7 === 0) out[at++] = 0x2e; // '.'
    at += out.write(String(i).padStart(8, '0'), at, 'latin1');
    const width = 1 + ((i * 37) % 120);
    out.fill(0x78, at, at + width); // 'x'
    at += width;
    out[at++] = 0x0a; // LF
  }
  return out.subarray(0, at);
}

export const FIVE_MB = 5 * 1024 * 1024;

/**
 * Byte equality for large buffers (`toEqual` walks a Buffer element by
 * element and takes seconds on megabytes). On a mismatch, the message shows
 * the first differing offset and the bytes around it.
 */
export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 20), at + 20).toString('latin1'));
  throw new Error(
    `bytes differ at offset ${at} (actual ${actual.length} octets, expected ${expected.length}):\n` +
      `  actual:   ${around(actual)}\n  expected: ${around(expected)}`,
  );
}

/**
 * Reads a captured byte stream reply by reply, so a test can check the exact
 * order and framing of pipelined replies (and report compactly on a mismatch).
 */
export class ByteCursor {
  at = 0;

  constructor(readonly bytes: Buffer) {}

  /** Expects a status line matching `pattern` at the cursor; returns it. */
  statusLine(pattern: RegExp): string {
    const end = this.bytes.indexOf('\r\n', this.at);
    if (end === -1) {
      const rest = this.bytes.subarray(this.at, this.at + 80).toString('latin1');
      throw new Error(
        `no complete line at offset ${this.at} of ${this.bytes.length}: ${JSON.stringify(rest)}`,
      );
    }
    const line = this.bytes.subarray(this.at, end).toString('latin1');
    expect(line).toMatch(pattern);
    this.at = end + 2;
    return line;
  }

  /** Expects exactly these bytes at the cursor. */
  exact(expected: Buffer | string): void {
    const bytes = typeof expected === 'string' ? Buffer.from(expected, 'latin1') : expected;
    expectSameBytes(this.bytes.subarray(this.at, this.at + bytes.length), bytes);
    this.at += bytes.length;
  }

  /** Expects the stream to end here. */
  end(): void {
    const rest = this.bytes.subarray(this.at, this.at + 80).toString('latin1');
    if (this.at !== this.bytes.length) {
      throw new Error(
        `${this.bytes.length - this.at} unexpected octets after the last reply: ${JSON.stringify(rest)}`,
      );
    }
  }
}
