import type { Pop3Event, Pop3EventType } from '../vocabulary';

type FieldsOf<T extends Pop3EventType> = Exclude<
  keyof Extract<Pop3Event, { type: T }>,
  'type' | 'sessionId' | 'at'
>;

/** Each event type's fields after `type`, `sessionId` and `at`, in the order events are built. */
const FIELDS = {
  'session-start': ['remoteAddress', 'remotePort', 'tls'],
  command: ['verb', 'args', 'raw', 'state'],
  reply: ['status', 'line', 'bytes'],
  auth: ['user', 'mechanism', 'result'],
  'sasl-response': ['mechanism', 'raw'],
  state: ['from', 'to'],
  tls: ['mode'],
  'tls-failed': ['mode', 'cause', 'code', 'reason'],
  retrieve: ['number', 'uid'],
  update: ['deleted'],
  fault: ['ruleId', 'action', 'description'],
  'internal-error': ['message', 'stack'],
  reset: ['startedAt', 'remoteAddress', 'remotePort', 'tls', 'state', 'user'],
  'session-end': ['reason'],
} as const satisfies { [T in Pop3EventType]: readonly FieldsOf<T>[] };

// Every field of every event is listed: a field added to the vocabulary and
// not here fails to compile instead of vanishing from transcripts.
type Unlisted = { [T in Pop3EventType]: Exclude<FieldsOf<T>, (typeof FIELDS)[T][number]> }[Pop3EventType];
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

const TYPES = Object.keys(FIELDS) as Pop3EventType[];
const TYPE_INDEX = new Map(TYPES.map((type, i) => [type, i]));

/**
 * One session's events, kept as values in one flat array instead of an
 * object each, and made objects again when read. A recorded session is
 * dozens of small objects that a long test run or a CLI keeps alive; as flat
 * values they cost the garbage collector about half as much, which was most
 * of what recording cost a session. Times are kept relative to `base`, so
 * they stay small integers.
 */
export class EventLog {
  private readonly slots: unknown[] = [];
  private objects: Pop3Event[] | undefined;
  private latest: Pop3Event | undefined;

  constructor(
    private readonly sessionId: number,
    private readonly base: number,
  ) {}

  push(event: Pop3Event): void {
    const fields: readonly string[] = FIELDS[event.type];
    const values = event as unknown as Record<string, unknown>;
    this.slots.push(TYPE_INDEX.get(event.type), event.at - this.base);
    for (let i = 0; i < fields.length; i++) this.slots.push(values[fields[i]!]);
    this.objects?.push(event);
    this.latest = event;
  }

  /** Whether `event` (this very object) is the last one pushed. */
  isLatest(event: Pop3Event): boolean {
    return this.latest === event;
  }

  /** The events as objects, made once and kept while the log is read. */
  all(): readonly Pop3Event[] {
    this.objects ??= this.decode();
    return this.objects;
  }

  private decode(): Pop3Event[] {
    const out: Pop3Event[] = [];
    const { slots } = this;
    for (let i = 0; i < slots.length; ) {
      const type = TYPES[slots[i++] as number]!;
      const event: Record<string, unknown> = {
        type,
        sessionId: this.sessionId,
        at: (slots[i++] as number) + this.base,
      };
      for (const field of FIELDS[type] as readonly string[]) {
        const value = slots[i++];
        // An optional field that was absent stays absent.
        if (value !== undefined) event[field] = value;
      }
      out.push(event as unknown as Pop3Event);
    }
    return out;
  }
}
