import { createHash } from 'node:crypto';

/**
 * A message as the server holds it: its wire form (every bare LF turned into
 * CRLF, a bare CR kept, a final CRLF added when missing), computed once.
 * `size` is what LIST and STAT report: the octets RETR sends before
 * dot-stuffing (RFC 1939 §11).
 */
export interface StoredMessage {
  readonly uid: string;
  readonly wire: Buffer;
  readonly size: number;
  /** Offset in `wire` just past the blank line that ends the headers, or -1 when there is none. */
  readonly bodyStart: number;
  /** True when some line starts with '.', so RETR must stuff dots. */
  readonly needsStuffing: boolean;
  readonly deliveredAt: Date;
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** Turns bare LF into CRLF and adds a final CRLF when missing. A bare CR is not a line ending and stays. */
export function toWireForm(raw: Buffer): Buffer {
  let bareLf = 0;
  for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) {
    if (i === 0 || raw[i - 1] !== CR) bareLf++;
  }
  const endsWithLf = raw.length > 0 && raw[raw.length - 1] === LF;
  const needsFinal = raw.length > 0 && !endsWithLf;
  if (bareLf === 0 && !needsFinal) return raw;
  const out = Buffer.allocUnsafe(raw.length + bareLf + (needsFinal ? 2 : 0));
  let o = 0;
  let from = 0;
  for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) {
    if (i === 0 || raw[i - 1] !== CR) {
      o += raw.copy(out, o, from, i);
      out[o++] = CR;
      from = i;
    }
  }
  o += raw.copy(out, o, from);
  if (needsFinal) {
    out[o++] = CR;
    out[o++] = LF;
  }
  return out;
}

/** Offset just past the first empty line (CRLF CRLF, or a message starting with CRLF), or -1. */
export function findBodyStart(wire: Buffer): number {
  if (wire.length >= 2 && wire[0] === CR && wire[1] === LF) return 2;
  const i = wire.indexOf('\r\n\r\n');
  return i === -1 ? -1 : i + 4;
}

function hasDotLine(wire: Buffer): boolean {
  return wire[0] === DOT || wire.indexOf('\n.') !== -1;
}

/** A content hash, the default uid: stable across restarts for the same fixture. */
function contentUid(wire: Buffer): string {
  return createHash('sha256').update(wire).digest('hex').slice(0, 24);
}

const UID_PATTERN = /^[\x21-\x7e]{1,70}$/;

/** RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E. */
export function isValidUid(uid: string): boolean {
  return UID_PATTERN.test(uid);
}

/** What a message's bytes make, whoever holds it: everything but its uid and delivery time. */
export interface PreparedMessage {
  readonly wire: Buffer;
  readonly size: number;
  readonly bodyStart: number;
  readonly needsStuffing: boolean;
  /** {@link contentUid} of the wire form: the uid it gets unless taken or given. */
  readonly contentUid: string;
}

// Bytes that never change (see LoadedMessage.unchanging) are prepared once per
// process: a suite that starts a server per test with the same fixtures pays
// the scan and the hash once. Held weakly: it goes when the bytes go.
const prepared = new WeakMap<Buffer, PreparedMessage>();

/** The wire form, size, offsets and content uid of `raw`; kept for bytes that never change. */
export function prepareMessage(raw: Buffer, unchanging: boolean): PreparedMessage {
  const known = unchanging ? prepared.get(raw) : undefined;
  if (known) return known;
  const wire = toWireForm(raw);
  const made: PreparedMessage = {
    wire,
    size: wire.length,
    bodyStart: findBodyStart(wire),
    needsStuffing: hasDotLine(wire),
    contentUid: contentUid(wire),
  };
  if (unchanging) prepared.set(raw, made);
  return made;
}
