import { andThen, type Pending } from '../pending';
import { listingBytes, stuffedParts } from '../protocol/dot-stuffing';
import { firstLine, isMultiLine, type Reply } from '../protocol/reply';
import type { ByteSink, WriteOptions } from '../wire';

/** Messages up to this size go out in one write together with their status line. */
const SINGLE_WRITE_LIMIT = 64 * 1024;
/** How much of a larger message's body shares the write of its status line. */
const FIRST_PART = 64 * 1024;
/** The rest of a larger body goes in views of this size (see putInPieces). */
const PIECE = 1024 * 1024;
const TERMINATOR = '.\r\n';
const EMPTY = Buffer.alloc(0);
const NO_OPTIONS: WriteOptions = {};

const withTrailer = (bytes: Buffer, trailer: Buffer): Buffer =>
  trailer.length === 0 ? bytes : Buffer.concat([bytes, trailer]);

/** A reply the socket took only part of: `bytes` of its `wholeBytes` octets went out (0 < bytes < wholeBytes). */
export interface CutReply {
  readonly bytes: number;
  readonly wholeBytes: number;
}

/**
 * What the socket took of a reply: its octets as a number when it took all
 * of them or none (0), a {@link CutReply} when a fault or the client's close
 * cut it in between. A number is the usual case, and makes no object.
 */
export type Sent = number | CutReply;

/**
 * Turns replies into bytes. A single-line reply is one write; a multi-line
 * reply's last line end and `.` CRLF share a write (node-pop3 and yapople
 * depend on it); a large message goes out as its status line with the first
 * 64 KiB of its stored (stuffed) body, then views of the rest a MiB at a time, waiting for the
 * socket to drain: 64 KiB is copied per RETR, whatever the message's size.
 * Returns what the socket took of the reply ({@link Sent}): its octets when
 * it took all of them, 0 when none reached it, a {@link CutReply} when a
 * fault or the client's close cut it in between; at once when the sink took
 * them without waiting, as a promise when it made the writer wait.
 */
export class ReplyWriter {
  constructor(private readonly sink: ByteSink) {}

  /**
   * Sends a reply; gives what the socket took of it ({@link Sent}). `status`: its first
   * line, when the caller has it. The text of a status reply is printable
   * ASCII by now (`safeText`), and written as such.
   */
  send(reply: Reply, options: WriteOptions = NO_OPTIONS, status = firstLine(reply)): Pending<Sent> {
    const sink = options.sink ?? this.sink;
    const trailer = options.trailer ?? EMPTY;
    const terminated = options.terminator ?? true;
    switch (reply.kind) {
      case 'status':
      case 'continue':
        // Printable ASCII (safeText, base64): latin1 is the same bytes, without UTF-8's encoder.
        return write(sink, Buffer.from(`${status}\r\n`, 'latin1'), trailer);
      case 'raw':
      case 'lines': {
        if (!isMultiLine(reply)) {
          return write(sink, Buffer.from(`${status}\r\n`), trailer);
        }
        const bytes = listingBytes(status, reply.kind === 'raw' ? reply.lines.slice(1) : reply.lines);
        if (terminated) return write(sink, bytes, trailer);
        // Without its terminator (a fault): recorded as cut before it, which never reached the client.
        return write(sink, bytes.subarray(0, bytes.length - TERMINATOR.length), trailer, TERMINATOR.length);
      }
      case 'message':
        return this.sendMessage(sink, status, reply.body, options.stuff ?? true, terminated, trailer);
    }
  }

  private sendMessage(
    sink: ByteSink,
    status: string,
    body: Buffer,
    stuff: boolean,
    terminated: boolean,
    trailer: Buffer,
  ): Pending<Sent> {
    const head = Buffer.from(`${status}\r\n`);
    const { data, end } = stuffedParts(body, stuff);
    const last = terminated ? end : end.subarray(0, end.length - TERMINATOR.length);
    // Without its terminator (a fault), the reply is recorded as cut before it.
    const unsent = terminated ? 0 : TERMINATOR.length;
    // A small message joins its status line in one write.
    if (head.length + data.length + last.length <= SINGLE_WRITE_LIMIT) {
      return write(sink, Buffer.concat([head, data, last]), trailer, unsent);
    }
    // A large one: the status line with the body's first part, the rest as one
    // view (the socket queues it without a copy), then its last line end with
    // the terminator. The status line never goes alone: a small write ahead of
    // a large one cost a tenth of loopback throughput (bench (c), 50 and 200 MB).
    const first = Buffer.concat([head, data.subarray(0, FIRST_PART)]);
    const rest = data.subarray(FIRST_PART);
    const tail = withTrailer(last, trailer);
    const own = first.length + rest.length + last.length;
    // A part after a cut is not written (the fault's sink or the closed connection takes 0 of it).
    return andThen(put(sink, first), (a) =>
      andThen(putInPieces(sink, rest), (b) =>
        andThen(put(sink, tail), (c) => sentOf(a + b + c, own, unsent)),
      ),
    );
  }
}

/**
 * Writes a whole reply in one write, with `trailer` (lines a fault injects
 * after it) in the same write; `unsent`: octets of it a fault left out (its
 * terminator). Gives what the socket took of the reply, which the transcript
 * records: a reply cut by a fault (`closeAfterBytes(n)`) or the client's
 * close is recorded with the octets that went out and marked cut, and one of
 * which none did (the connection waits for a TLS handshake or is closed) is
 * never recorded as sent.
 */
function write(sink: ByteSink, reply: Buffer, trailer: Buffer, unsent = 0): Pending<Sent> {
  const taken = sink.write(withTrailer(reply, trailer));
  const own = reply.length;
  return typeof taken === 'number' ? sentOf(taken, own, unsent) : taken.then((n) => sentOf(n, own, unsent));
}

/** Writes one part of a reply; gives the octets of it the socket took. */
function put(sink: ByteSink, bytes: Buffer): Pending<number> {
  // Nothing to send (a body that fit its first write): no empty write for a fault to see.
  if (bytes.length === 0) return 0;
  return sink.write(bytes);
}

/**
 * The rest of a large body as views of {@link PIECE} octets, one after the
 * other: each counts what the socket took of it, so a client gone mid-reply
 * (RST, close) is recorded with at most a piece more than reached the
 * operating system, not the whole rest. Stops after a piece not wholly taken.
 */
function putInPieces(sink: ByteSink, bytes: Buffer, from = 0, taken = 0): Pending<number> {
  let sent = taken;
  for (let at = from; at < bytes.length; ) {
    const piece = bytes.subarray(at, at + PIECE);
    at += piece.length;
    const put1 = put(sink, piece);
    if (typeof put1 !== 'number') {
      const next = at;
      return put1.then((n) => (n < piece.length ? sent + n : putInPieces(sink, bytes, next, sent + n)));
    }
    sent += put1;
    if (put1 < piece.length) return sent;
  }
  return sent;
}

/**
 * What went out of a reply whose written octets are `own` (lines a fault
 * injected after it, written with it, are not its own: the fault's event
 * names them), `unsent` more left out by a fault (its terminator): a number
 * when all or none went out, else a cut.
 */
function sentOf(taken: number, own: number, unsent = 0): Sent {
  const bytes = Math.min(taken, own);
  const whole = own + unsent;
  return bytes === whole || bytes === 0 ? bytes : { bytes, wholeBytes: whole };
}
