const LF = 0x0a;
const CR = 0x0d;

/**
 * What the line reader hands on: a complete line, the octets of `chunk` from
 * `start` to `end` (without CRLF or LF), or notice of an over-long one. The
 * line is a place in the chunk, not a view of it: a view is an object per
 * line, and the line is read once, as text.
 */
export type InputLine =
  | { readonly kind: 'line'; readonly chunk: Buffer; readonly start: number; readonly end: number }
  | {
      readonly kind: 'too-long';
      /** The line's first octets (at most {@link TOO_LONG_START}), for the transcript: the rest is never read. */
      readonly start: Buffer;
    };

/** Octets of an over-long line kept for the transcript: enough to tell which command it was. */
export const TOO_LONG_START = 100;

/** Who takes the lines (the session). */
export interface LineTaker {
  takeLine(line: InputLine): void;
}

/**
 * Splits the byte stream into lines ending in LF (CRLF or bare LF). Holds at
 * most `limit` octets: a longer line is reported once as `too-long` as soon
 * as it passes the limit, and its remaining bytes up to the next LF are
 * dropped, so a 10 MB line without CRLF costs no more than the limit.
 */
export class LineReader {
  private pending: Buffer[] | undefined;
  private pendingLength = 0;
  private discarding = false;

  constructor(
    private readonly taker: LineTaker,
    /** Longest line accepted, line end included. */
    public limit: number,
  ) {}

  feed(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.hold(chunk.subarray(start));
        return;
      }
      const from = start;
      start = lf + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (this.pendingLength + (start - from) > this.limit) {
        this.tooLong(chunk.subarray(from, start));
        continue;
      }
      if (this.pendingLength === 0) {
        // The common case, a line within one chunk: its place in the chunk, without its line end.
        const end = lf > from && chunk[lf - 1] === CR ? lf - 1 : lf;
        this.taker.takeLine({ kind: 'line', chunk, start: from, end });
        continue;
      }
      const line = Buffer.concat([...this.pending!, chunk.subarray(from, start)]);
      this.dropPending();
      const end = line.length >= 2 && line[line.length - 2] === CR ? line.length - 2 : line.length - 1;
      this.taker.takeLine({ kind: 'line', chunk: line, start: 0, end });
    }
  }

  /**
   * Drops buffered input (after STLS: nothing sent in plaintext may run),
   * and gives back the start of a line it held, if any, for the transcript.
   */
  dropHeld(): Buffer | undefined {
    const held = this.pending && Buffer.concat(this.pending);
    this.dropPending();
    this.discarding = false;
    return held;
  }

  private hold(rest: Buffer): void {
    if (this.discarding) return;
    if (this.pendingLength + rest.length > this.limit) {
      this.discarding = true;
      this.tooLong(rest);
      return;
    }
    // Copy: a view would keep the whole socket chunk alive.
    this.pending ??= [];
    this.pending.push(Buffer.from(rest));
    this.pendingLength += rest.length;
  }

  /** The line held so far and `more` passed the limit: it is reported with its start, and let go. */
  private tooLong(more: Buffer): void {
    const pieces = [...(this.pending ?? []), more];
    const start = Buffer.concat(pieces, Math.min(TOO_LONG_START, this.pendingLength + more.length));
    this.dropPending();
    this.taker.takeLine({ kind: 'too-long', start });
  }

  private dropPending(): void {
    this.pending = undefined;
    this.pendingLength = 0;
  }
}
