/**
 * Where reply bytes go, and how one reply is written. Neutral ground: the
 * session's reply writer writes to a sink, and a fault may put a reshaping
 * sink between it and the connection, without either room importing the other.
 */

import type { Pending } from './pending';

/**
 * Where reply bytes go: the connection, or a fault that reshapes them on the
 * way. `write` gives the octets of `chunk` passed on to the socket (0 when
 * none were: the connection writes nothing while it waits for a TLS
 * handshake or once closed, a fault may cut them): at once when they were
 * taken without waiting, as a promise when the writer must wait
 * (backpressure, a throttle). The transcript records what the socket took.
 */
export interface ByteSink {
  write(chunk: Buffer): Pending<number>;
}

/** How one reply is written; the defaults are what the RFC asks for. */
export interface WriteOptions {
  /** Another sink for this reply only (a byte-shaping fault). */
  sink?: ByteSink;
  /** Dot-stuff message data (default true; a bug mode turns it off). */
  stuff?: boolean;
  /** End a multi-line reply with `.` CRLF (default true; a fault leaves it out). */
  terminator?: boolean;
  /** Bytes sent in the same write right after the reply (response-injection faults). */
  trailer?: Buffer;
}
