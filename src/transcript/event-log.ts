import { argumentsOf, isArgumentsOf } from '../protocol/command-line';
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
/**
 * Each type's number (kept with the event's time in one slot: `time *
 * TYPE_SPAN + number`) and fields, found with one lookup per event.
 */
const SPECS = Object.fromEntries(
  TYPES.map((type, number) => [type, { number, fields: FIELDS[type] as readonly string[] }]),
) as Record<Pop3EventType, { readonly number: number; readonly fields: readonly string[] }>;
const TYPE_SPAN = 16;
if (TYPES.length > TYPE_SPAN) throw new Error('event-log: more event types than TYPE_SPAN holds');
/** Where a command's arguments were: they are its line's, made again from it when read. */
const ARGS_OF_RAW = Symbol('arguments of the line');
/** The place of a command's `args` among its fields. */
const ARGS_FIELD = FIELDS.command.indexOf('args');

/**
 * One session's events, kept as values in one flat array instead of an
 * object each, and made objects again when read. A recorded session is
 * dozens of small objects that a long test run or a CLI keeps alive, and
 * keeping them alive (the garbage collector copying and marking them) was
 * most of what recording cost a session. So the log keeps as little as it
 * can: the type and the time share one number (the time relative to the
 * session's start: a small integer, not a boxed number), the session id is
 * not copied, and the slot array is made at the size the caller expects, so
 * it is not regrown (and copied) while the session runs.
 */
export class EventLog {
  private readonly slots: unknown[];
  private size = 0;
  private objects: Pop3Event[] | undefined;
  private latest: Pop3Event | undefined;

  /** `expectedSlots`: how many slots a session usually fills ({@link EventLog.slotCount} of an ended one). */
  constructor(expectedSlots = 0) {
    this.slots = new Array(expectedSlots);
  }

  /** Appends `event`; `base` is the session's start, which times are kept relative to. */
  push(event: Pop3Event, base: number): void {
    const { number, fields } = SPECS[event.type];
    const values = event as unknown as Record<string, unknown>;
    const { slots } = this;
    let n = this.size;
    const time = event.at - base;
    if (Number.isInteger(time)) slots[n++] = time * TYPE_SPAN + number;
    else {
      // A clock with fractions of a millisecond (an injected one): type and time apart.
      slots[n++] = event.type;
      slots[n++] = time;
    }
    const first = n;
    for (let i = 0; i < fields.length; i++) slots[n++] = values[fields[i]!];
    // A command's arguments are its line split: kept once, in the line (a list and its strings saved per command).
    if (event.type === 'command' && isArgumentsOf(event.raw, event.args))
      slots[first + ARGS_FIELD] = ARGS_OF_RAW;
    this.size = n;
    this.objects?.push(event);
    // Only a command is asked about (appliedLast); an ended session keeps no event object.
    this.latest = event.type === 'session-end' ? undefined : event;
  }

  /** Slots filled so far: the size to expect for the next session. */
  get slotCount(): number {
    return this.size;
  }

  /** Gives back the slots made and not filled (a session shorter than expected). */
  trim(): void {
    if (this.slots.length > this.size) this.slots.length = this.size;
  }

  /** Whether `event` (this very object) is the last one pushed; always false once the session ended. */
  isLatest(event: Pop3Event): boolean {
    return this.latest === event;
  }

  /** The events as objects, made once and kept while the log is read. */
  all(sessionId: number, base: number): readonly Pop3Event[] {
    this.objects ??= this.decode(sessionId, base);
    return this.objects;
  }

  /**
   * The events of one type as objects, made for this read and not kept: a
   * record asked only for, say, its retrievals at every session end (the
   * CLI's log line) stays small.
   */
  only<T extends Pop3EventType>(type: T, sessionId: number, base: number): Extract<Pop3Event, { type: T }>[] {
    const events = this.objects ?? this.decode(sessionId, base, type);
    return events.filter((e): e is Extract<Pop3Event, { type: T }> => e.type === type);
  }

  /** Makes the events objects; with `only`, just the events of that type. */
  private decode(sessionId: number, base: number, only?: Pop3EventType): Pop3Event[] {
    const out: Pop3Event[] = [];
    const { slots } = this;
    for (let i = 0; i < this.size; ) {
      const head = slots[i++];
      const { type, time } =
        typeof head === 'string'
          ? { type: head as Pop3EventType, time: slots[i++] as number }
          : splitHead(head as number);
      if (only !== undefined && type !== only) {
        i += FIELDS[type].length;
        continue;
      }
      const event: Record<string, unknown> = { type, sessionId, at: time + base };
      for (const field of FIELDS[type] as readonly string[]) {
        const value = slots[i++];
        // An optional field that was absent stays absent.
        if (value !== undefined) event[field] = value;
      }
      if (event.args === ARGS_OF_RAW) event.args = argumentsOf(event.raw as string);
      out.push(event as unknown as Pop3Event);
    }
    return out;
  }
}

function splitHead(head: number): { type: Pop3EventType; time: number } {
  // A time before the start (a clock set back, a record rebuilt from JSON) makes a negative head: keep the number in 0..15.
  const number = ((head % TYPE_SPAN) + TYPE_SPAN) % TYPE_SPAN;
  return { type: TYPES[number]!, time: (head - number) / TYPE_SPAN };
}
