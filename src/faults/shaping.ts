import { setTimeout as delay } from 'node:timers';
import { type Clock, sleep } from '../clock';
import type { ByteSink } from '../wire';

/** What a byte-shaping fault may do to the connection under it. */
export interface ShapeControls {
  readonly clock: Clock;
  /** Aborted when the fault is cancelled (`reset()`) or the session ends. */
  readonly signal: AbortSignal;
  /** Ends the connection: FIN after flushing, or RST once the client has the bytes. */
  close(mode: 'fin' | 'rst'): Promise<void>;
}

/** A sink that reshapes one reply's bytes; `finish()` runs after the reply's last write, and may run again. */
export interface Shaper extends ByteSink {
  finish(): Promise<void>;
}

/** Passes the first `limit` octets, then closes (FIN or RST) and drops the rest. */
export function cutAfter(
  base: ByteSink,
  limit: number,
  mode: 'fin' | 'rst',
  controls: ShapeControls,
): Shaper {
  let sent = 0;
  let closing: Promise<void> | undefined;
  return {
    async write(chunk) {
      if (closing) return 0;
      const room = limit - sent;
      if (chunk.length < room) {
        sent += chunk.length;
        return base.write(chunk);
      }
      const passed = room > 0 ? await base.write(chunk.subarray(0, room)) : 0;
      sent = limit;
      closing = controls.close(mode);
      // A FIN is waited for at finish(): the reply is recorded with the
      // octets that went out before the close ends the session. An RST is
      // waited for here: the session must not go on (and end the connection
      // with a FIN of its own) while the octets drain before it.
      if (mode === 'rst') await closing;
      return passed;
    },
    // A reply shorter than the limit still ends with the close, as soon as it is out (ReplyShape.replied).
    finish: () => (closing ??= controls.close(mode)),
  };
}

/**
 * Passes `afterBytes` octets, then waits without closing until the fault is
 * cancelled; `onStall` is told when it stops (never for a reply no longer than `afterBytes`).
 */
export function stallAfter(
  base: ByteSink,
  afterBytes: number,
  controls: ShapeControls,
  onStall: () => void,
): Shaper {
  let sent = 0;
  return {
    async write(chunk) {
      const room = afterBytes - sent;
      if (sent >= afterBytes || chunk.length <= room) {
        sent += chunk.length;
        return base.write(chunk);
      }
      const first = await base.write(chunk.subarray(0, room));
      sent = afterBytes;
      onStall();
      await waitForAbort(controls.signal);
      return first + (await base.write(chunk.subarray(room)));
    },
    finish: async () => {},
  };
}

/**
 * One octet per write, or every chunk split right after each CR (so CRLF
 * spans two writes). Each piece after the first waits for the next turn of
 * the event loop, so the pieces leave as separate segments (a millisecond
 * apart) instead of being coalesced. The wait comes before a piece, not
 * after: the reply is done with its last octet, so what the client sends
 * upon it (its handshake after STLS's +OK) is not read as sent before it.
 */
export function fragment(base: ByteSink, mode: 'bytes' | 'split-crlf'): Shaper {
  let first = true;
  const piece = async (bytes: Buffer) => {
    if (!first) await new Promise<void>((resolve) => delay(resolve, 1));
    first = false;
    return base.write(bytes);
  };
  return {
    async write(chunk) {
      let passed = 0;
      if (mode === 'bytes') {
        for (let i = 0; i < chunk.length; i++) passed += await piece(chunk.subarray(i, i + 1));
        return passed;
      }
      let start = 0;
      for (let cr = chunk.indexOf(0x0d); cr !== -1; cr = chunk.indexOf(0x0d, cr + 1)) {
        passed += await piece(chunk.subarray(start, cr + 1));
        start = cr + 1;
      }
      if (start < chunk.length) passed += await piece(chunk.subarray(start));
      return passed;
    },
    finish: async () => {},
  };
}

/**
 * At most `bytesPerSecond`, in slices ten times a second; cancelling the
 * fault lets the rest through. Each slice waits its time at the rate before
 * it goes, so n octets take at least n / rate seconds (a small reply too),
 * never a slice's worth less.
 */
export function throttle(base: ByteSink, bytesPerSecond: number, controls: ShapeControls): Shaper {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  return {
    async write(chunk) {
      let passed = 0;
      for (let i = 0; i < chunk.length; i += slice) {
        const piece = chunk.subarray(i, i + slice);
        // sleep()'s own answer: a lasting throttle's signal is a new one after a cancel, never aborted.
        const slept = await sleep(controls.clock, (piece.length / bytesPerSecond) * 1000, controls.signal);
        if (!slept) return passed + (await base.write(chunk.subarray(i)));
        passed += await base.write(piece);
      }
      return passed;
    },
    finish: async () => {},
  };
}

/** Resolves when `signal` aborts; never otherwise (no timer keeps the process alive). */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
