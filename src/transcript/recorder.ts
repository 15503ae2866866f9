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
    this.last = undefined;
    return live;
  }

  private apply(event: Pop3Event): void {
    if (event.type === 'session-start') this.open(event, event.at);
    // A live session's record, restarted by reset(): it begins with this event.
    if (event.type === 'reset' && !this.byId.has(event.sessionId)) this.open(event, event.startedAt);
    // Events come in runs of one session (a pipelined batch): the last record is the likely one.
    const last = this.last;
    const record = last?.id === event.sessionId ? last : this.byId.get(event.sessionId);
    this.last = record;
    record?.apply(event);
  }

  private last: SessionRecord | undefined;

  private open(from: Extract<Pop3Event, { type: 'session-start' | 'reset' }>, startedAt: number): void {
    const record = new SessionRecord(
      from.sessionId,
      from.remoteAddress,
      from.remotePort,
      from.tls,
      startedAt,
    );
    this.sessions.push(record);
    this.byId.set(from.sessionId, record);
  }
}
