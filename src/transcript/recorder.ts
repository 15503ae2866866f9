import type { Pop3Event } from '../vocabulary';
import type { EventHub } from './event-hub';
import { SessionRecord } from './session-record';

/** Keeps a {@link SessionRecord} for every session, fed from the event hub (never on the data path). */
export class Recorder {
  readonly sessions: SessionRecord[] = [];
  private readonly byId = new Map<number, SessionRecord>();

  constructor(hub: EventHub) {
    hub.on('*', (event) => this.apply(event));
  }

  get(id: number): SessionRecord | undefined {
    return this.byId.get(id);
  }

  /** Forgets every recorded session. */
  clear(): void {
    this.sessions.length = 0;
    this.byId.clear();
  }

  private apply(event: Pop3Event): void {
    if (event.type === 'session-start') {
      const record = new SessionRecord(
        event.sessionId,
        event.remoteAddress,
        event.remotePort,
        event.tls,
        event.at,
      );
      this.sessions.push(record);
      this.byId.set(event.sessionId, record);
    }
    this.byId.get(event.sessionId)?.apply(event);
  }
}
