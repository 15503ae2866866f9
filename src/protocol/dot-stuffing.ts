const DOT = 0x2e;
const TERMINATOR = Buffer.from('.\r\n');

/** Octets per write when a message body is streamed. */
export const CHUNK_SIZE = 256 * 1024;

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
  const starts: number[] = body[0] === DOT ? [0] : [];
  for (let i = body.indexOf('\n.'); i !== -1; i = body.indexOf('\n.', i + 1)) starts.push(i + 1);
  if (starts.length === 0) return body;
  const out = Buffer.allocUnsafe(body.length + starts.length);
  let o = 0;
  let from = 0;
  for (const start of starts) {
    o += body.copy(out, o, from, start);
    out[o++] = DOT;
    from = start;
  }
  body.copy(out, o, from);
  return out;
}

/**
 * The data part of a multi-line reply in chunks, dot-stuffed unless `stuff`
 * is false, the last chunk ending with the terminating `.` CRLF. The
 * terminator shares a write with the last line end (at least its CRLF),
 * because popular clients look for `\r\n.\r\n` inside one read.
 *
 * Chunks are views of the (stuffed) body, so a large message is not copied
 * per RETR. `body` must end in CRLF (or be empty); stored messages do.
 */
export function* stuffedChunks(body: Buffer, stuff = true, chunkSize = CHUNK_SIZE): Generator<Buffer> {
  const data = stuff ? stuffedBody(body) : body;
  let start = 0;
  // Stop early enough that the last chunk holds at least the final CRLF.
  while (data.length - start >= chunkSize + 2) {
    yield data.subarray(start, start + chunkSize);
    start += chunkSize;
  }
  yield Buffer.concat([data.subarray(start), TERMINATOR]);
}

/** A multi-line listing (LIST, UIDL, CAPA, ...) as one buffer, stuffed and terminated. */
export function listingBytes(statusLine: string, data: readonly string[]): Buffer {
  let text = `${statusLine}\r\n`;
  for (const line of data) text += line.startsWith('.') ? `.${line}\r\n` : `${line}\r\n`;
  return Buffer.from(`${text}.\r\n`);
}
