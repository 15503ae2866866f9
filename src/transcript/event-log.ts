import { argumentsOf, isArgumentsOf } from '../protocol/command-line';
import type { Pop3Event, Pop3EventType } from '../vocabulary';

type EventOf<T extends Pop3EventType> = Extract<Pop3Event, { type: T }>;
type FieldsOf<T extends Pop3EventType> = Exclude<keyof EventOf<T>, 'type' | 'sessionId' | 'at'>;
/**
 * How a field is kept once its session ended: `text`, a string the session
 * made (a command line, a reply line), goes into the one string of the sealed
 * log; a `value` (a number, a list, a name from a small set, a string the
 * record or the mailbox holds anyway) stays in its slot.
 */
type KindOf<V> = [V] extends [string | undefined] ? 'text' | 'value' : 'value';

/**
 * Each event type's fields after `type`, `sessionId` and `at`, in the order
 * they are kept, with their kind. Every field of every event is listed, and
 * only a string field can be `text`: a field added to the vocabulary and not
 * here, or a text that is not a string, fails to compile instead of vanishing
 * from transcripts.
 */
const FIELD_KINDS = {
  'session-start': { remoteAddress: 'value', remotePort: 'value', tls: 'value' },
  command: { verb: 'value', args: 'value', raw: 'text', state: 'value' },
  reply: { status: 'value', line: 'text', bytes: 'value' },
  auth: { user: 'value', mechanism: 'value', result: 'value' },
  'sasl-response': { mechanism: 'value', raw: 'text' },
  state: { from: 'value', to: 'value' },
  tls: { mode: 'value' },
  'tls-failed': { mode: 'value', cause: 'value', code: 'text', reason: 'text' },
  retrieve: { number: 'value', uid: 'value' },
  update: { deleted: 'value' },
  fault: { ruleId: 'value', action: 'value', description: 'text' },
  'internal-error': { message: 'text', stack: 'text' },
  reset: {
    startedAt: 'value',
    remoteAddress: 'value',
    remotePort: 'value',
    tls: 'value',
    state: 'value',
    user: 'value',
  },
  'session-end': { reason: 'value' },
} as const satisfies { [T in Pop3EventType]: { [F in FieldsOf<T>]-?: KindOf<EventOf<T>[F]> } };

const TYPES = Object.keys(FIELD_KINDS) as Pop3EventType[];

/** A table with an entry per event type. */
function perType<V>(make: (type: Pop3EventType, number: number) => V): Record<Pop3EventType, V> {
  return Object.fromEntries(TYPES.map((type, number) => [type, make(type, number)])) as Record<
    Pop3EventType,
    V
  >;
}

const FIELDS = perType((type): readonly string[] => Object.keys(FIELD_KINDS[type]));
/** Per type number, which of its fields are texts. */
const IS_TEXT: readonly (readonly boolean[])[] = TYPES.map((type) =>
  Object.values(FIELD_KINDS[type]).map((kind) => kind === 'text'),
);

/**
 * Each type's number (kept with the event's time in one slot: `time *
 * TYPE_SPAN + number`) and fields, found with one lookup per event.
 */
const SPECS = perType((type, number) => ({ number, fields: FIELDS[type] }));
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
 * it is not regrown (and copied) while the session runs. When the session
 * ends, the log is sealed: its strings (command lines, reply lines, ...)
 * become one string, and their slots their lengths, so an ended session is a
 * few objects for the collector instead of dozens.
 */
export class EventLog {
  private slots: unknown[];
  private size = 0;
  /** Once sealed: every text field's string, one after the other. */
  private text: string | undefined;
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
    // After the seal (no event of the mock's own comes then), texts are kept as they are, boxed if they could pass for a length.
    if (this.text !== undefined) boxNonStrings(slots, first, IS_TEXT[number]!);
    this.size = n;
    this.objects?.push(event);
    // Only a command is asked about (appliedLast); an ended session keeps no event object.
    this.latest = event.type === 'session-end' ? undefined : event;
  }

  /** Slots filled so far: the size to expect for the next session. */
  get slotCount(): number {
    return this.size;
  }

  /**
   * The session ended: the texts it made go into one string, each text slot
   * holding its length instead, and the slots made and not filled are given
   * back.
   */
  seal(): void {
    if (this.text !== undefined) return;
    const { slots, size } = this;
    const pieces: string[] = [];
    for (let i = 0; i < size; ) {
      const head = slots[i++];
      const isText =
        IS_TEXT[typeof head === 'string' ? SPECS[head as Pop3EventType].number : numberOf(head as number)]!;
      // A fractional time (see push) takes a slot of its own.
      if (typeof head === 'string') i++;
      for (let f = 0; f < isText.length; f++, i++) {
        if (!isText[f]) continue;
        const value = slots[i];
        if (typeof value === 'string') {
          slots[i] = value.length;
          pieces.push(value);
        }
        // A text that is not a string (never one of the mock's own) is kept boxed, so it is not read as a length.
        else if (value !== undefined) slots[i] = [value];
      }
    }
    if (slots.length > size) slots.length = size;
    this.text = pieces.join('');
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
    const { slots, text } = this;
    let offset = 0;
    for (let i = 0; i < this.size; ) {
      const head = slots[i++];
      const { type, time } =
        typeof head === 'string'
          ? { type: head as Pop3EventType, time: slots[i++] as number }
          : splitHead(head as number);
      const fields = FIELDS[type];
      const isText = IS_TEXT[SPECS[type].number]!;
      if (only !== undefined && type !== only) {
        // Passed over: only its place in the slots and in the text move on.
        for (let f = 0; f < fields.length; f++, i++) {
          if (text !== undefined && isText[f] && typeof slots[i] === 'number') offset += slots[i] as number;
        }
        continue;
      }
      const event: Record<string, unknown> = { type, sessionId, at: time + base };
      for (let f = 0; f < fields.length; f++) {
        let value = slots[i++];
        // Sealed, a text slot holds the string's length; the string is next in the text.
        if (text !== undefined && isText[f]) {
          if (typeof value === 'number') {
            value = text.slice(offset, offset + value);
            offset += (value as string).length;
          } else if (Array.isArray(value)) value = value[0];
        }
        // An optional field that was absent stays absent.
        if (value !== undefined) event[fields[f]!] = value;
      }
      if (event.args === ARGS_OF_RAW) event.args = argumentsOf(event.raw as string);
      out.push(event as unknown as Pop3Event);
    }
    return out;
  }
}

/** Puts each text among `slots` from `first` that is neither a string nor absent in a box (see seal). */
function boxNonStrings(slots: unknown[], first: number, isText: readonly boolean[]): void {
  for (let f = 0; f < isText.length; f++) {
    const value = slots[first + f];
    if (isText[f] && typeof value !== 'string' && value !== undefined) slots[first + f] = [value];
  }
}

function splitHead(head: number): { type: Pop3EventType; time: number } {
  const number = numberOf(head);
  return { type: TYPES[number]!, time: (head - number) / TYPE_SPAN };
}

/** The type number in a head; a time before the start (a clock set back, a record rebuilt from JSON) makes a negative one. */
function numberOf(head: number): number {
  return ((head % TYPE_SPAN) + TYPE_SPAN) % TYPE_SPAN;
}
