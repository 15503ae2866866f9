import type { Pop3Event, Pop3EventType } from '../vocabulary';

export type EventOf<T extends Pop3EventType> = Extract<Pop3Event, { type: T }>;
type AnyListener = (event: Pop3Event) => void;

/**
 * A typed event emitter. Listeners run synchronously in order; one that
 * throws is reported on stderr and skipped, so a listener bug cannot break a
 * POP3 session. An `internal-error` that nobody listens to by name (the
 * `logger`, the CLI, a test) goes to stderr, like Node's unheard `'error'`:
 * a bug in the mock must never pass unseen.
 */
export class EventHub {
  private readonly listeners = new Map<Pop3EventType | '*', Set<AnyListener>>();

  /** Listens to one event type, or to all with `'*'`. Returns a function that stops listening. */
  on<T extends Pop3EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  on(type: '*', listener: (event: Pop3Event) => void): () => void;
  on(type: Pop3EventType | '*', listener: AnyListener): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(event: Pop3Event): void {
    const named = this.listeners.get(event.type);
    this.call(named, event);
    this.call(this.listeners.get('*'), event);
    if (event.type === 'internal-error' && !named?.size) reportUnheard(event);
  }

  private call(set: Set<AnyListener> | undefined, event: Pop3Event): void {
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        console.error('[pop3-mock] an event listener threw:', error);
      }
    }
  }
}

/**
 * console.error rather than process.emitWarning: `--no-warnings` and
 * NODE_NO_WARNINGS, common in test runners, would hide a warning, and jest
 * shows console output next to the test that caused it.
 */
function reportUnheard(event: EventOf<'internal-error'>): void {
  console.error(`[pop3-mock] session ${event.sessionId}: internal error: ${event.stack ?? event.message}`);
}
