import type { CommandLine } from '../protocol/command-line';
import type { Pop3Event, ReplyStatus, SessionState } from '../vocabulary';
import type { SessionFilter } from './query';
import { DropLedger, type DroppedSessions } from './retention';
import { APPLY_COMMAND, APPLY_OF_TYPE, APPLY_REPLY, SessionRecord, tlsAtStart } from './session-record';

/** The most slots a new session's log is made with: a session of about a hundred commands. */
const MAX_EXPECTED_SLOTS = 1024;

/**
 * Keeps a {@link SessionRecord} for every session, given each event before
 * the event hub's listeners are (so every listener finds the record up to
 * date), never on the data path. With `keepSessions`, only the newest that
 * many ended sessions: the records of those that ended first are dropped.
 */
export class Recorder {
  readonly sessions: SessionRecord[] = [];
  private readonly byId = new Map<number, SessionRecord>();
  /** Ended records, in the order they ended: the first is dropped first. */
  private readonly ended: SessionRecord[] = [];
  private readonly ledger: DropLedger | undefined;

  /**
   * `onDrop`: told of each record dropped by `keepSessions`, so what else the
   * server holds for that session can go with it.
   */
  constructor(
    keepSessions: number | 'all' = 'all',
    private readonly onDrop?: (record: SessionRecord) => void,
  ) {
    this.ledger = keepSessions === 'all' ? undefined : new DropLedger(keepSessions);
  }

  /** The dropped sessions `filter` would have selected; undefined when none (or no limit). */
  dropped(filter: SessionFilter = {}): DroppedSessions | undefined {
    return this.ledger?.within(filter, (id) => this.byId.has(id));
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
    this.ledger?.clear(this.sessions.reduce((highest, s) => Math.max(highest, s.id), 0));
    this.sessions.length = 0;
    this.byId.clear();
    this.last = undefined;
    this.ended.length = 0;
    return live;
  }

  /** Records one event: called for every event, before any listener hears of it. */
  apply(event: Pop3Event): void {
    // Events come in a dozen shapes, so each read of a field is a lookup of
    // its own: the type and the session are read once and handed on.
    const type = event.type;
    if (type === 'session-start' || type === 'reset') this.openFor(event);
    const record = this.recordOf(event.sessionId);
    if (record === undefined) return;
    record[APPLY_OF_TYPE](event, type);
    if (type === 'session-end') {
      // Sessions of one run are much alike: the next one's log is made at this
      // one's size, up to a bound (one long session must not make every later
      // one hold its size while it runs).
      this.expectedSlots = Math.min(record.slotCount, MAX_EXPECTED_SLOTS);
      if (this.ledger) this.retain(record, this.ledger);
    }
  }

  /** Records a command as the session parsed it: {@link apply} for a command no listener hears, so no event object is made. */
  command(sessionId: number, at: number, line: CommandLine, state: SessionState): void {
    this.recordOf(sessionId)?.[APPLY_COMMAND](at, line, state);
  }

  /** Records a reply given field by field, as {@link command}. */
  reply(sessionId: number, at: number, status: ReplyStatus, line: string, bytes: number): void {
    this.recordOf(sessionId)?.[APPLY_REPLY](at, status, line, bytes);
  }

  /** The live record of a session, if it is recorded. */
  private recordOf(sessionId: number): SessionRecord | undefined {
    // Events come in runs of one session (a pipelined batch): the last record is the likely one.
    const last = this.last;
    if (last !== undefined && last.id === sessionId) return last;
    // Written only when it changes: a store into the (old) recorder costs a write barrier per event.
    const record = this.byId.get(sessionId);
    this.last = record;
    return record;
  }

  /** A session starts, or a live one's record restarts after reset() (it begins with the reset event). */
  private openFor(event: Pop3Event): void {
    if (event.type === 'session-start') this.open(event, event.at);
    else if (event.type === 'reset' && !this.byId.has(event.sessionId)) this.open(event, event.startedAt);
  }

  /** A session ended: keep its record, and drop the one that ended first if that makes too many. */
  private retain(record: SessionRecord, ledger: DropLedger): void {
    this.ended.push(record);
    if (this.ended.length <= ledger.keep) return;
    const oldest = this.ended.shift()!;
    // Usually at the front: the sessions that ended first mostly began first.
    const index = this.sessions.indexOf(oldest);
    if (index !== -1) this.sessions.splice(index, 1);
    this.byId.delete(oldest.id);
    if (this.last === oldest) this.last = undefined;
    ledger.note(oldest);
    this.onDrop?.(oldest);
  }

  private last: SessionRecord | undefined;
  private expectedSlots = 0;

  private open(from: Extract<Pop3Event, { type: 'session-start' | 'reset' }>, startedAt: number): void {
    const record = new SessionRecord(
      from.sessionId,
      from.remoteAddress,
      from.remotePort,
      tlsAtStart(from),
      startedAt,
      this.expectedSlots,
    );
    this.sessions.push(record);
    this.byId.set(from.sessionId, record);
  }
}
