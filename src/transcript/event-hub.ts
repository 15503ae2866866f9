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
  // Arrays replaced on every change, never mutated: emit() iterates without
  // a copy or an iterator, and a listener added or removed while an event is
  // dispatched takes effect from the next event.
  private readonly listeners = new Map<Pop3EventType | '*', readonly AnyListener[]>();
  private all: readonly AnyListener[] = [];

  /** Listens to one event type, or to all with `'*'`. Returns a function that stops listening. */
  on<T extends Pop3EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  on(type: '*', listener: (event: Pop3Event) => void): () => void;
  on(type: Pop3EventType | '*', listener: AnyListener): () => void {
    // As a set: the same function added twice listens once.
    if (!this.get(type).includes(listener)) this.set(type, [...this.get(type), listener]);
    return () =>
      this.set(
        type,
        this.get(type).filter((l) => l !== listener),
      );
  }

  /** Whether an event of `type` would reach a listener: when not, its maker can skip making it. */
  hears(type: Pop3EventType): boolean {
    return this.all.length > 0 || this.listeners.has(type);
  }

  emit(event: Pop3Event): void {
    // Read once: events come in a dozen shapes, so each read is a lookup of its own.
    const type = event.type;
    const named = this.listeners.get(type);
    if (named) this.call(named, event);
    if (this.all.length > 0) this.call(this.all, event);
    if (type === 'internal-error' && !named?.length) reportUnheard(event as EventOf<'internal-error'>);
  }

  private get(type: Pop3EventType | '*'): readonly AnyListener[] {
    return type === '*' ? this.all : (this.listeners.get(type) ?? []);
  }

  private set(type: Pop3EventType | '*', list: readonly AnyListener[]): void {
    if (type === '*') this.all = list;
    else if (list.length > 0) this.listeners.set(type, list);
    else this.listeners.delete(type);
  }

  private call(list: readonly AnyListener[], event: Pop3Event): void {
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(event);
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
