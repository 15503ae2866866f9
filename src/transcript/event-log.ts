import { argumentsOf, type CommandLine, isArgumentsOf } from '../protocol/command-line';
import {
  EVENT_TYPES,
  type Pop3Event,
  type Pop3EventType,
  type ReplyStatus,
  type SessionState,
} from '../vocabulary';

type EventOf<T extends Pop3EventType> = Extract<Pop3Event, { type: T }>;
type FieldsOf<T extends Pop3EventType> = Exclude<keyof EventOf<T>, 'type' | 'sessionId' | 'at'>;
/**
 * How a field is kept: `text`, a string the session made (a command line, a
 * reply line), goes into the one string of the sealed log, its slot holding
 * its length; a `value` (a number, a list, a name from a small set, a string
 * the record or the mailbox holds anyway) stays in its slot.
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
  reply: { status: 'value', line: 'text', bytes: 'value', wholeBytes: 'value' },
  'reply-unsent': { status: 'value', line: 'text' },
  auth: { user: 'value', mechanism: 'value', result: 'value' },
  'sasl-response': { mechanism: 'value', raw: 'text' },
  state: { from: 'value', to: 'value' },
  tls: { mode: 'value', certificate: 'value' },
  'tls-failed': { mode: 'value', cause: 'value', code: 'text', reason: 'text' },
  'plaintext-dropped': { raw: 'text', cause: 'value' },
  'line-too-long': { raw: 'text', limit: 'value' },
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

/** A table with an entry per event type. */
function perType<V>(make: (type: Pop3EventType, number: number) => V): Record<Pop3EventType, V> {
  return Object.fromEntries(EVENT_TYPES.map((type, number) => [type, make(type, number)])) as Record<
    Pop3EventType,
    V
  >;
}

/** Each type's fields in the order they are kept (the order the session makes them in), and which are texts. */
const FIELDS = perType((type): readonly string[] => Object.keys(FIELD_KINDS[type]));
const IS_TEXT = perType((type): readonly boolean[] =>
  Object.values(FIELD_KINDS[type]).map((kind) => kind === 'text'),
);

const NUMBER = perType((_type, number) => number);
// The lazy path's types, looked up once.
const COMMAND = NUMBER.command;
const REPLY = NUMBER.reply;
const TYPE_SPAN = 32;
if (EVENT_TYPES.length > TYPE_SPAN) throw new Error('event-log: more event types than TYPE_SPAN holds');
/** The texts of a sealed log: none (never written to: see EventLog.textsOut). */
const NO_TEXTS: string[] = Object.freeze([]) as unknown as string[];
/** Where a command's arguments were: they are its line's, made again from it when read. */
const ARGS_OF_RAW = Symbol('arguments of the line');

/**
 * Per type: puts the event's fields in `slots` from `n`, each in
 * {@link FIELD_KINDS}' order, returning where the next goes; a text goes
 * through {@link textSlot}. One small function per type reads the event's
 * fields by name, where a loop over field names read them by computed key
 * from events of a dozen shapes (a fifth less recorder time: bench/README.md).
 * The test `event-log.test.ts` checks that every field of every type comes
 * back.
 */
type Encoder<T extends Pop3EventType> = (
  event: EventOf<T>,
  slots: unknown[],
  n: number,
  texts: string[],
) => number;
const ENCODERS: { readonly [T in Pop3EventType]: Encoder<T> } = {
  'session-start': (e, s, n) => {
    s[n] = e.remoteAddress;
    s[n + 1] = e.remotePort;
    s[n + 2] = e.tls;
    return n + 3;
  },
  // A command's arguments are its line split: kept once, in the line (a list and its strings saved per command).
  command: (e, s, n, t) =>
    writeCommand(s, n, t, e.verb, isArgumentsOf(e.raw, e.args) ? ARGS_OF_RAW : e.args, e.raw, e.state),
  reply: (e, s, n, t) => writeReply(s, n, t, e.status, e.line, e.bytes, e.wholeBytes),
  'reply-unsent': (e, s, n, t) => {
    s[n] = e.status;
    s[n + 1] = textSlot(e.line, t);
    return n + 2;
  },
  auth: (e, s, n) => {
    s[n] = e.user;
    s[n + 1] = e.mechanism;
    s[n + 2] = e.result;
    return n + 3;
  },
  'sasl-response': (e, s, n, t) => {
    s[n] = e.mechanism;
    s[n + 1] = textSlot(e.raw, t);
    return n + 2;
  },
  state: (e, s, n) => {
    s[n] = e.from;
    s[n + 1] = e.to;
    return n + 2;
  },
  tls: (e, s, n) => {
    s[n] = e.mode;
    s[n + 1] = e.certificate;
    return n + 2;
  },
  'tls-failed': (e, s, n, t) => {
    s[n] = e.mode;
    s[n + 1] = e.cause;
    s[n + 2] = textSlot(e.code, t);
    s[n + 3] = textSlot(e.reason, t);
    return n + 4;
  },
  'plaintext-dropped': (e, s, n, t) => {
    s[n] = textSlot(e.raw, t);
    s[n + 1] = e.cause;
    return n + 2;
  },
  'line-too-long': (e, s, n, t) => {
    s[n] = textSlot(e.raw, t);
    s[n + 1] = e.limit;
    return n + 2;
  },
  retrieve: (e, s, n) => {
    s[n] = e.number;
    s[n + 1] = e.uid;
    return n + 2;
  },
  update: (e, s, n) => {
    s[n] = e.deleted;
    return n + 1;
  },
  fault: (e, s, n, t) => {
    s[n] = e.ruleId;
    s[n + 1] = e.action;
    s[n + 2] = textSlot(e.description, t);
    return n + 3;
  },
  'internal-error': (e, s, n, t) => {
    s[n] = textSlot(e.message, t);
    s[n + 1] = textSlot(e.stack, t);
    return n + 2;
  },
  reset: (e, s, n) => {
    s[n] = e.startedAt;
    s[n + 1] = e.remoteAddress;
    s[n + 2] = e.remotePort;
    s[n + 3] = e.tls;
    s[n + 4] = e.state;
    s[n + 5] = e.user;
    return n + 6;
  },
  'session-end': (e, s, n) => {
    s[n] = e.reason;
    return n + 1;
  },
};

/**
 * A text field's slot: a string goes to `texts` and its slot holds its
 * length (its place in the sealed log's one string); an absent one is
 * undefined, and anything else (never one of the mock's own) is kept in a
 * box, so it is not read as a length.
 */
function textSlot(value: unknown, texts: string[]): unknown {
  if (typeof value === 'string') {
    texts.push(value);
    return value.length;
  }
  return value === undefined ? undefined : [value];
}

/**
 * Each type's number and encoder, found by one Map lookup: a read of a table
 * by type name (`ENCODERS[type]`) is a megamorphic keyed load, whose lookups
 * in V8's stub cache were an eighth of the recorder's time.
 */
const BY_TYPE = new Map<Pop3EventType, { number: number; encode: Encoder<Pop3EventType> }>(
  EVENT_TYPES.map((type, number) => [type, { number, encode: ENCODERS[type] as Encoder<Pop3EventType> }]),
);

// Commands and replies, most of a session's events, come without an event
// object when nobody listens to them (EventLog.command, .reply): their
// fields are written from here on both paths.
function writeCommand(
  s: unknown[],
  n: number,
  t: string[],
  verb: string,
  args: readonly string[] | typeof ARGS_OF_RAW,
  raw: string,
  state: SessionState,
): number {
  s[n] = verb;
  s[n + 1] = args;
  s[n + 2] = textSlot(raw, t);
  s[n + 3] = state;
  return n + 4;
}

function writeReply(
  s: unknown[],
  n: number,
  t: string[],
  status: ReplyStatus,
  line: string,
  bytes: number,
  wholeBytes?: number,
): number {
  s[n] = status;
  s[n + 1] = textSlot(line, t);
  s[n + 2] = bytes;
  s[n + 3] = wholeBytes;
  return n + 4;
}

/**
 * One session's events, kept as values in flat arrays instead of an object
 * each, and made objects again when read. Kept as objects, a recorded
 * session was dozens of small objects that a long test run or a CLI keeps
 * alive, and keeping them alive (the garbage collector copying and marking
 * them) was most of what recording cost a session. So the log keeps as little as it can: the type
 * and the time share one number (the time relative to the session's start: a
 * small integer, not a boxed number), the session id is not copied, and the
 * slot array is made at the size the caller expects, so it is not regrown
 * (and copied) while the session runs. The strings a session makes (command
 * lines, reply lines, ...) are kept apart, in `texts`, their slots holding
 * their lengths; when the session ends the log is sealed: they become one
 * string, so an ended session is a few objects for the collector instead of
 * dozens, and sealing is one join.
 */
export class EventLog {
  private slots: unknown[];
  private size = 0;
  /** The text fields' strings, in order, until the seal joins them into `text` ({@link NO_TEXTS} from then on). */
  private texts: string[] = [];
  /** Once sealed: every text field's string, one after the other. */
  private text: string | undefined;
  private objects: Pop3Event[] | undefined;

  /** `expectedSlots`: how many slots a session usually fills ({@link EventLog.slotCount} of an ended one). */
  constructor(expectedSlots = 0) {
    this.slots = new Array(expectedSlots);
  }

  /** Appends `event`, of type `type` (`event.type`, read once by the caller); `base` is the session's start, which times are kept relative to. */
  push(event: Pop3Event, type: Pop3EventType, base: number): void {
    const { number, encode } = BY_TYPE.get(type)!;
    const n = this.head(event.at - base, type, number);
    this.size = encode(event, this.slots, n, this.textsOut());
    this.appended(event);
  }

  /**
   * Appends a command as the session parsed it, with no event object made for
   * it (the session's path when no listener hears commands). Its arguments
   * are its line's split by construction, so they are not compared with the
   * line as an event's are. `sessionId` only names it in {@link all}'s
   * objects, if they were made.
   */
  command(sessionId: number, at: number, base: number, line: CommandLine, state: SessionState): void {
    const { verb, args, raw } = line;
    if (this.objects) {
      this.push({ type: 'command', sessionId, at, verb, args, raw, state }, 'command', base);
      return;
    }
    const n = this.head(at - base, 'command', COMMAND);
    this.size = writeCommand(this.slots, n, this.textsOut(), verb, ARGS_OF_RAW, raw, state);
    if (this.text !== undefined) this.appended(undefined);
  }

  /** Appends a reply given field by field, as {@link command} does a command. */
  reply(sessionId: number, at: number, base: number, status: ReplyStatus, line: string, bytes: number): void {
    if (this.objects) {
      this.push({ type: 'reply', sessionId, at, status, line, bytes }, 'reply', base);
      return;
    }
    const n = this.head(at - base, 'reply', REPLY);
    this.size = writeReply(this.slots, n, this.textsOut(), status, line, bytes);
    if (this.text !== undefined) this.appended(undefined);
  }

  /** Writes an event's head (its type, `number` in {@link NUMBER}, and time: one number when it can) at the end; returns where its fields go. */
  private head(time: number, type: Pop3EventType, number: number): number {
    const slots = this.slots;
    let n = this.size;
    if (Number.isInteger(time)) slots[n++] = time * TYPE_SPAN + number;
    else {
      // A clock with fractions of a millisecond (an injected one): type and time apart.
      slots[n++] = type;
      slots[n++] = time;
    }
    return n;
  }

  /**
   * The list an event's texts are written to: the session's, or after the
   * seal (no event of the mock's own comes then) a new one, which
   * {@link appended} joins to the text.
   */
  private textsOut(): string[] {
    if (this.text !== undefined) this.texts = [];
    return this.texts;
  }

  /** An event was written: its texts kept as a sealed log keeps them, and it kept as an object if the objects were made. */
  private appended(event: Pop3Event | undefined): void {
    // After the seal: the texts join the one string (rare, so += will do).
    if (this.text !== undefined) this.joinTexts();
    if (event) this.objects?.push(event);
  }

  /** The texts written so far go to the end of `text`, and the list is let go. */
  private joinTexts(): void {
    // join, not +=: one flat string, where += would keep a chain of pieces for the collector.
    const joined = this.texts.join('');
    this.text = this.text === undefined ? joined : this.text + joined;
    // A shared empty list, not `length = 0` (a call into the runtime, per session).
    this.texts = NO_TEXTS;
  }

  /** Slots filled so far: the size to expect for the next session. */
  get slotCount(): number {
    return this.size;
  }

  /** The session ended: the texts it made go into one string, and the slots made and not filled are given back. */
  seal(): void {
    if (this.text !== undefined) return;
    this.joinTexts();
    if (this.slots.length > this.size) this.slots.length = this.size;
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
  only<T extends Pop3EventType>(
    types: readonly T[],
    sessionId: number,
    base: number,
  ): Extract<Pop3Event, { type: T }>[] {
    const events = this.objects ?? this.decode(sessionId, base, types);
    return events.filter((e): e is Extract<Pop3Event, { type: T }> =>
      (types as readonly string[]).includes(e.type),
    );
  }

  /** Makes the events objects; with `only`, just the events of those types, in order. */
  private decode(sessionId: number, base: number, only?: readonly Pop3EventType[]): Pop3Event[] {
    const out: Pop3Event[] = [];
    const { slots, texts, text } = this;
    const sealed = text !== undefined;
    let t = 0;
    let offset = 0;
    for (let i = 0; i < this.size; ) {
      const head = slots[i++];
      const { type, time } =
        typeof head === 'string'
          ? { type: head as Pop3EventType, time: slots[i++] as number }
          : splitHead(head as number);
      const fields = FIELDS[type];
      const isText = IS_TEXT[type];
      if (only !== undefined && !only.includes(type)) {
        // Passed over: only its place in the slots, the texts and the text move on.
        for (let f = 0; f < fields.length; f++, i++) {
          if (isText[f] && typeof slots[i] === 'number') {
            if (sealed) offset += slots[i] as number;
            else t++;
          }
        }
        continue;
      }
      const event: Record<string, unknown> = { type, sessionId, at: time + base };
      for (let f = 0; f < fields.length; f++) {
        let value = slots[i++];
        if (isText[f]) {
          // A text's slot holds its string's length: the string is the next in the texts, or in the sealed text.
          if (typeof value === 'number') {
            if (sealed) {
              value = text.slice(offset, offset + value);
              offset += (value as string).length;
            } else value = texts[t++];
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

function splitHead(head: number): { type: Pop3EventType; time: number } {
  const number = numberOf(head);
  return { type: EVENT_TYPES[number]!, time: (head - number) / TYPE_SPAN };
}

/** The type number in a head; a time before the start (a clock set back, a record rebuilt from JSON) makes a negative one. */
function numberOf(head: number): number {
  return ((head % TYPE_SPAN) + TYPE_SPAN) % TYPE_SPAN;
}
