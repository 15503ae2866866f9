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

  /**
   * Forgets every recorded session; returns the records of sessions still
   * live, for the `reset` events that restart them.
   */
  clear(): SessionRecord[] {
    const live = this.sessions.filter((s) => !s.ended);
    this.sessions.length = 0;
    this.byId.clear();
    return live;
  }

  private apply(event: Pop3Event): void {
    if (event.type === 'reset' && !this.byId.has(event.sessionId)) {
      // A live session's record, restarted by reset(): it begins with this event.
      const record = new SessionRecord(
        event.sessionId,
        event.remoteAddress,
        event.remotePort,
        event.tls,
        event.startedAt,
      );
      this.sessions.push(record);
      this.byId.set(event.sessionId, record);
    }
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
