const LF = 0x0a;
const DOT = 0x2e;
const TERMINATOR = Buffer.from('.\r\n');

/** Octets per write when a message body is streamed. */
export const CHUNK_SIZE = 64 * 1024;

/**
 * The data part of a multi-line reply in chunks: every line starting with '.'
 * gets one more '.' (RFC 1939 §3), and the last chunk ends with the
 * terminating `.` CRLF. The terminator shares a write with the last line end,
 * because popular clients look for `\r\n.\r\n` inside one read.
 *
 * `body` must end in CRLF (or be empty); stored messages always do.
 * Chunks are views of `body` when no stuffing is needed, so a large message
 * is never copied whole.
 */
export function* stuffedChunks(body: Buffer, stuff = true, chunkSize = CHUNK_SIZE): Generator<Buffer> {
  if (body.length === 0) {
    yield TERMINATOR;
    return;
  }
  const needs = stuff && (body[0] === DOT || body.indexOf('\n.') !== -1);
  yield* withWholeTerminator(needs ? copyStuffed(body, chunkSize) : plainChunks(body, chunkSize));
}

/**
 * Makes sure the last write holds the whole `CRLF . CRLF`: when a chunk
 * boundary falls inside the final line end, the last two chunks go together.
 */
function* withWholeTerminator(chunks: Generator<Buffer>): Generator<Buffer> {
  // Every chunk but the last is full size, so a chunk shorter than `CRLF . CRLF` is the last one.
  let held: Buffer | undefined;
  for (const chunk of chunks) {
    if (held !== undefined && chunk.length < 5) {
      held = Buffer.concat([held, chunk]);
      continue;
    }
    if (held !== undefined) yield held;
    held = chunk;
  }
  if (held !== undefined) yield held;
}

function* plainChunks(body: Buffer, chunkSize: number): Generator<Buffer> {
  // The last chunk is small and copied so it can carry the terminator.
  let start = 0;
  while (body.length - start > chunkSize) {
    yield body.subarray(start, start + chunkSize);
    start += chunkSize;
  }
  yield Buffer.concat([body.subarray(start), TERMINATOR]);
}

function* copyStuffed(body: Buffer, chunkSize: number): Generator<Buffer> {
  let out = Buffer.allocUnsafe(chunkSize + 1);
  let o = 0;
  let lineStart = true;
  let i = 0;
  while (i < body.length) {
    if (lineStart && body[i] === DOT) out[o++] = DOT;
    // Copy up to the end of this line or of the chunk, whichever is first.
    const lf = body.indexOf(LF, i);
    const lineEnd = lf === -1 ? body.length : lf + 1;
    const n = Math.min(lineEnd - i, chunkSize - o);
    body.copy(out, o, i, i + n);
    o += n;
    i += n;
    lineStart = i === lineEnd;
    if (o >= chunkSize) {
      yield out.subarray(0, o);
      out = Buffer.allocUnsafe(chunkSize + 1);
      o = 0;
    }
  }
  yield Buffer.concat([out.subarray(0, o), TERMINATOR]);
}

/** A multi-line listing (LIST, UIDL, CAPA, ...) as one buffer, stuffed and terminated. */
export function listingBytes(statusLine: string, data: readonly string[]): Buffer {
  let text = `${statusLine}\r\n`;
  for (const line of data) text += line.startsWith('.') ? `.${line}\r\n` : `${line}\r\n`;
  return Buffer.from(`${text}.\r\n`);
}
