import { listingBytes, stuffedChunks } from '../protocol/dot-stuffing';
import { firstLine, type Reply } from '../protocol/reply';

/** Where reply bytes go: the connection, or a fault that reshapes them on the way. */
export interface ByteSink {
  write(chunk: Buffer): Promise<void>;
}

/** Messages up to this size go out in one write together with their status line. */
const SINGLE_WRITE_LIMIT = 64 * 1024;

/**
 * Turns replies into bytes. A single-line reply is one write; a multi-line
 * reply's last line end and `.` CRLF share a write (node-pop3 and yapople
 * depend on it); large messages stream chunk by chunk, waiting for the
 * socket to drain, so memory stays flat whatever the size.
 */
export class ReplyWriter {
  constructor(private readonly sink: ByteSink) {}

  /** Sends a reply; resolves with the number of octets written. */
  async send(reply: Reply, options: { stuff?: boolean } = {}): Promise<number> {
    const status = firstLine(reply);
    switch (reply.kind) {
      case 'status':
      case 'continue':
        return this.write(Buffer.from(`${status}\r\n`));
      case 'lines':
        return this.write(listingBytes(status, reply.lines));
      case 'message':
        return this.sendMessage(status, reply.body, options.stuff ?? true);
    }
  }

  private async sendMessage(status: string, body: Buffer, stuff: boolean): Promise<number> {
    const head = Buffer.from(`${status}\r\n`);
    let total = 0;
    let first = true;
    for (const chunk of stuffedChunks(body, stuff)) {
      if (first && body.length <= SINGLE_WRITE_LIMIT) {
        total += await this.write(Buffer.concat([head, chunk]));
      } else {
        if (first) total += await this.write(head);
        total += await this.write(chunk);
      }
      first = false;
    }
    return total;
  }

  private async write(bytes: Buffer): Promise<number> {
    await this.sink.write(bytes);
    return bytes.length;
  }
}
