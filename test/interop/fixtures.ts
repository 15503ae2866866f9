import { type Pop3MockOptions, startPop3Mock } from '../../src';
import { unstuff, wireOf } from '../helpers/wire';

/**
 * Shared fixtures for the interop tests: every real client runs against the
 * same mailboxes, so a difference between clients is a client quirk, not a
 * different input.
 */

export const USER = 'alice';
export const PASSWORD = 'secret';
/** A user whose mailbox is empty. */
export const EMPTY_USER = 'bob';
export const EMPTY_PASSWORD = 'hunter2';

/** 1: body lines `.`, `..` and `.x` (each must be dot-stuffed on the wire and unstuffed by the client). */
export const DOTS = Buffer.from(
  'From: dots@example.com\r\nSubject: dots\r\n\r\nfirst\r\n.\r\n..\r\n.x\r\nlast\r\n',
  'latin1',
);

/** 2: stored with bare LF line ends; the server sends CRLF. */
export const BARE_LF = Buffer.from(
  'From: lf@example.com\nSubject: bare lf\n\nline one\nline two\nline three\n',
);

/** 3: no line break after the last body line; the server adds CRLF. */
export const NO_FINAL_NEWLINE = Buffer.from(
  'From: nonl@example.com\r\nSubject: no final newline\r\n\r\nbody without newline',
);

/** 4: an 8-bit UTF-8 body (and a fixed uid given by the fixture). */
export const UTF8_TEXT =
  'From: utf8@example.com\r\nSubject: utf8\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  'Content-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln — 日本語 ✓\r\nzweite Zeile\r\n';
export const UTF8 = Buffer.from(UTF8_TEXT, 'utf8');
export const UTF8_UID = 'fixed-uid-utf8';

/** 5: about 1 MB: 13,500 lines of 76 characters, every 97th starting with `.` (stuffing in the streamed path). */
export const BIG = makeBig();

function makeBig(): Buffer {
  const lines = ['From: big@example.com', 'Subject: big', ''];
  for (let i = 0; i < 13_500; i++) {
    const prefix = i % 97 === 0 ? '.' : 'L';
    lines.push(`${prefix}${String(i).padStart(6, '0')} `.padEnd(76, String.fromCharCode(65 + (i % 26))));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/** The fixture messages of {@link USER}, in maildrop order. */
export const MESSAGES: readonly Buffer[] = [DOTS, BARE_LF, NO_FINAL_NEWLINE, UTF8, BIG];

/** Server options: the same fixtures for every test, so uids match across servers. */
export function interopOptions(): Pop3MockOptions {
  return {
    users: {
      [USER]: {
        password: PASSWORD,
        messages: [DOTS, BARE_LF, NO_FINAL_NEWLINE, { raw: UTF8, uid: UTF8_UID }, BIG],
      },
      [EMPTY_USER]: { password: EMPTY_PASSWORD, messages: [] },
    },
  };
}

/** Starts a server with the interop fixtures. */
export function startInteropServer() {
  return startPop3Mock(interopOptions());
}

/**
 * The bytes RETR must deliver for a stored message, computed here without the
 * server's code: every LF not preceded by CR becomes CRLF, and a CRLF is added
 * when the message does not end in LF (RFC 1939 §3, §11).
 */
export const expectedWire = (raw: Buffer): Buffer => wireOf(raw);

/** The expected wire forms of {@link MESSAGES}. */
export const EXPECTED: readonly Buffer[] = MESSAGES.map(expectedWire);

/**
 * Hand-written expectations, independent of {@link expectedWire}: the bare-LF
 * message with CRLF line ends, and the unterminated one with a CRLF added.
 */
export const BARE_LF_BY_HAND = Buffer.from(
  'From: lf@example.com\r\nSubject: bare lf\r\n\r\nline one\r\nline two\r\nline three\r\n',
);
export const NO_FINAL_NEWLINE_BY_HAND = Buffer.from(
  'From: nonl@example.com\r\nSubject: no final newline\r\n\r\nbody without newline\r\n',
);

export { stuff } from '../helpers/wire';

/** Removes dot-stuffing (for clients that hand the stuffed data back as is). */
export const unstuffLines = unstuff;

/** `wire` without its final CRLF (several clients drop it together with the terminator). */
export function withoutFinalCrlf(wire: Buffer): Buffer {
  return wire.subarray(wire.length - 2).toString('latin1') === '\r\n' ? wire.subarray(0, -2) : wire;
}

/**
 * What TOP n lines must send, computed from the expected wire form: the
 * header, the blank line, then the first `lines` body lines.
 */
export function expectedTop(wire: Buffer, lines: number): Buffer {
  const text = wire.toString('latin1');
  const blank = text.indexOf('\r\n\r\n');
  if (blank === -1) return wire;
  let end = blank + 4;
  for (let n = 0; n < lines && end < text.length; n++) {
    const lf = text.indexOf('\n', end);
    end = lf === -1 ? text.length : lf + 1;
  }
  return Buffer.from(text.slice(0, end), 'latin1');
}

/** Total octets of the maildrop, as STAT must report them. */
export function totalOctets(wires: readonly Buffer[]): number {
  return wires.reduce((sum, w) => sum + w.length, 0);
}

/**
 * True when both lists hold the same bytes. Use it instead of `toEqual` on
 * Buffers: jest compares a Buffer index by index, which takes seconds for the
 * 1 MB fixture.
 */
export function sameBytes(actual: readonly Buffer[], expected: readonly Buffer[]): boolean {
  return actual.length === expected.length && actual.every((b, i) => b.equals(expected[i]!));
}
