import type { Pop3Event, Pop3EventType } from '../vocabulary';

export type EventOf<T extends Pop3EventType> = Extract<Pop3Event, { type: T }>;
type AnyListener = (event: Pop3Event) => void;

/**
 * A typed event emitter. Listeners run synchronously in order; one that
 * throws is reported on stderr and skipped, so a listener bug cannot break a
 * POP3 session.
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
    this.call(this.listeners.get(event.type), event);
    this.call(this.listeners.get('*'), event);
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
