const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;
const TERMINATOR = Buffer.from('.\r\n');

// Stuffing is computed once per stored body (RETR sends the same Buffer each
// time); bodies without a line starting with '.' map to themselves.
const stuffedCache = new WeakMap<Buffer, Buffer>();

/** `body` with one more '.' before every line that starts with '.' (RFC 1939 §3). */
export function stuffedBody(body: Buffer): Buffer {
  let stuffed = stuffedCache.get(body);
  if (stuffed === undefined) {
    stuffed = stuffLines(body);
    stuffedCache.set(body, stuffed);
  }
  return stuffed;
}

function stuffLines(body: Buffer): Buffer {
  // Line starts found by a search for LF, then a look at the byte after it:
  // a byte search per line is cheaper than a two-byte pattern search, which
  // took twice as long over a 50 MB message with a dot on every other line.
  const starts: number[] = body[0] === DOT ? [0] : [];
  const last = body.length - 1;
  for (let i = body.indexOf(LF); i !== -1 && i < last; i = body.indexOf(LF, i + 1)) {
    if (body[i + 1] === DOT) starts.push(i + 1);
  }
  if (starts.length === 0) return body;
  const out = Buffer.allocUnsafe(body.length + starts.length);
  let o = 0;
  let from = 0;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    o += body.copy(out, o, from, start);
    out[o++] = DOT;
    from = start;
  }
  body.copy(out, o, from);
  return out;
}

const LAST_LINE_END = Buffer.from('\r\n.\r\n');

/**
 * The data part of a multi-line reply, dot-stuffed unless `stuff` is false,
 * in two parts: `data`, a view of the (stuffed) body without its last CRLF,
 * and `end`, that CRLF with the terminating `.` CRLF. The two share the last
 * write, because popular clients look for `\r\n.\r\n` inside one read; the
 * body of a large message is sent as views (the reply writer copies only its
 * first 64 KiB, into the status line's write).
 *
 * Stored messages end in CRLF; a body that does not (a fault's) is sent as it is.
 */
export function stuffedParts(body: Buffer, stuff = true): { data: Buffer; end: Buffer } {
  const all = stuff ? stuffedBody(body) : body;
  const n = all.length;
  // Only a fault's body (bare LF line ends) lacks the final CRLF.
  if (n < 2 || all[n - 2] !== CR || all[n - 1] !== LF) return { data: all, end: TERMINATOR };
  return { data: all.subarray(0, n - 2), end: LAST_LINE_END };
}

/** A multi-line listing (LIST, UIDL, CAPA, ...) as one buffer, stuffed and terminated. */
export function listingBytes(statusLine: string, data: readonly string[]): Buffer {
  let text = `${statusLine}\r\n`;
  for (const line of data) text += line.startsWith('.') ? `.${line}\r\n` : `${line}\r\n`;
  return Buffer.from(`${text}.\r\n`);
}
