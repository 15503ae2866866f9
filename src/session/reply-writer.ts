import { listingBytes, stuffedChunks } from '../protocol/dot-stuffing';
import { firstLine, type Reply } from '../protocol/reply';
import type { ByteSink, WriteOptions } from '../wire';

/** Messages up to this size go out in one write together with their status line. */
const SINGLE_WRITE_LIMIT = 64 * 1024;
const TERMINATOR = '.\r\n';
const EMPTY = Buffer.alloc(0);

const withTrailer = (bytes: Buffer, trailer: Buffer): Buffer =>
  trailer.length === 0 ? bytes : Buffer.concat([bytes, trailer]);

/**
 * Turns replies into bytes. A single-line reply is one write; a multi-line
 * reply's last line end and `.` CRLF share a write (node-pop3 and yapople
 * depend on it); large messages stream chunk by chunk, waiting for the
 * socket to drain, so memory stays flat whatever the size.
 */
export class ReplyWriter {
  constructor(private readonly sink: ByteSink) {}

  /** Sends a reply; resolves with the number of octets written. */
  async send(reply: Reply, options: WriteOptions = {}): Promise<number> {
    const sink = options.sink ?? this.sink;
    const status = firstLine(reply);
    const trailer = options.trailer ?? EMPTY;
    const terminated = options.terminator ?? true;
    switch (reply.kind) {
      case 'status':
      case 'continue':
        return write(sink, withTrailer(Buffer.from(`${status}\r\n`), trailer));
      case 'raw':
      case 'lines': {
        if (reply.kind === 'raw' && reply.lines.length <= 1) {
          return write(sink, withTrailer(Buffer.from(`${status}\r\n`), trailer));
        }
        const bytes = listingBytes(status, reply.kind === 'raw' ? reply.lines.slice(1) : reply.lines);
        const body = terminated ? bytes : bytes.subarray(0, bytes.length - TERMINATOR.length);
        return write(sink, withTrailer(body, trailer));
      }
      case 'message':
        return this.sendMessage(sink, status, reply.body, options.stuff ?? true, terminated, trailer);
    }
  }

  private async sendMessage(
    sink: ByteSink,
    status: string,
    body: Buffer,
    stuff: boolean,
    terminated: boolean,
    trailer: Buffer,
  ): Promise<number> {
    // One chunk is held back: a small message joins its status line in one
    // write, and the last chunk (with the terminator) can be trimmed.
    let pending: Buffer = Buffer.from(`${status}\r\n`);
    let total = 0;
    for (const chunk of stuffedChunks(body, stuff)) {
      if (pending.length + chunk.length <= SINGLE_WRITE_LIMIT) {
        pending = Buffer.concat([pending, chunk]);
        continue;
      }
      total += await write(sink, pending);
      pending = chunk;
    }
    if (!terminated) pending = pending.subarray(0, pending.length - TERMINATOR.length);
    total += await write(sink, withTrailer(pending, trailer));
    return total;
  }
}

async function write(sink: ByteSink, bytes: Buffer): Promise<number> {
  await sink.write(bytes);
  return bytes.length;
}
