import type { Clock } from '../clock';
import type { Pop3Event } from '../vocabulary';
import { contextFor, eventLines, type LineContext } from './render';

/** Anything events can be listened to on: the server's event hub, or a `Pop3Mock`. */
export interface EventSource {
  on(type: '*', listener: (event: Pop3Event) => void): () => void;
}

/** A wait that timed out; the message says what was seen instead (secrets masked). */
export class WaitTimeoutError extends Error {
  override readonly name: string = 'WaitTimeoutError';

  constructor(
    message: string,
    /** Transcript lines of the events seen during the wait, secrets masked. */
    readonly seen: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A wait ended early because the server closed (or was reset) first. */
export class WaitCancelledError extends WaitTimeoutError {
  override readonly name: string = 'WaitCancelledError';
}

/** Pending waits, so the server can end them all at `close()`. */
export class WaitSet {
  private readonly cancels = new Set<(reason: string) => void>();

  add(cancel: (reason: string) => void): () => void {
    this.cancels.add(cancel);
    return () => this.cancels.delete(cancel);
  }

  /** Rejects every pending wait with a {@link WaitCancelledError} naming `reason`. */
  cancelAll(reason: string): void {
    for (const cancel of [...this.cancels]) cancel(reason);
  }

  /** Why no wait can be met any more (the server closed), once {@link close} said so. */
  closedReason: string | undefined;

  /** Rejects every pending wait, and every wait begun later at once: nothing more can come. */
  close(reason: string): void {
    this.closedReason ??= reason;
    this.cancelAll(reason);
  }

  get size(): number {
    return this.cancels.size;
  }
}

export interface WaitOptions {
  /** Pending waits of the server; a wait in it can be cancelled. */
  waits?: WaitSet;
  /** More to say on a timeout, computed then (e.g. the state of the session waited on). */
  context?: () => string;
}

const MAX_SEEN = 30;

/**
 * Resolves with the first event matching `predicate`, or rejects after
 * `timeoutMs` with a report of the events seen meanwhile, as transcript
 * lines with secrets masked.
 */
export function waitForEvent(
  source: EventSource,
  clock: Clock,
  what: string,
  predicate: (event: Pop3Event) => boolean,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<Pop3Event> {
  return new Promise((resolve, reject) => {
    const closed = options.waits?.closedReason;
    if (closed !== undefined) {
      // Not a wait of its full time for what can no longer come.
      reject(
        new WaitCancelledError(`pop3-mock: ${closed} before waiting for ${what}: nothing more can come`),
      );
      return;
    }
    const seen: string[] = [];
    let dropped = 0;
    const contexts = new Map<number, LineContext>();
    const finish = () => {
      stop();
      timer.cancel();
      forget();
    };
    const stop = source.on('*', (event) => {
      if (predicate(event)) {
        finish();
        resolve(event);
        return;
      }
      const ctx = contextFor(contexts, event.sessionId);
      for (const line of eventLines(event, ctx)) {
        if (seen.length < MAX_SEEN) seen.push(`#${event.sessionId} ${line}`);
        else dropped++;
      }
    });
    const fail = (ErrorType: typeof WaitTimeoutError, headline: string) => {
      finish();
      const lines = seen.length === 0 ? ['  nothing'] : seen.map((l) => `  ${l}`);
      if (dropped > 0) lines.push(`  ... and ${dropped} more lines`);
      const context = options.context?.();
      const message = [`${headline}; saw meanwhile:`, ...lines, ...(context ? [context] : [])].join('\n');
      reject(new ErrorType(message, [...seen]));
    };
    const timer = clock.setTimeout(
      () => fail(WaitTimeoutError, `pop3-mock: timed out after ${timeoutMs} ms waiting for ${what}`),
      timeoutMs,
    );
    const forget =
      options.waits?.add((reason) =>
        fail(WaitCancelledError, `pop3-mock: ${reason} while waiting for ${what}`),
      ) ?? (() => {});
  });
}
