import { parseCommandLine } from '../../../src/protocol/command-line';
import { APPLY_COMMAND, APPLY_REPLY, SessionRecord } from '../../../src/transcript/session-record';
import type { Pop3Event, Pop3EventType } from '../../../src/vocabulary';

// The event log (src/transcript/event-log.ts) writes each type's fields with
// a function of its own. The wire tests (integration/transcript/event-log)
// cover the events a session makes; this one gives every type with every
// field set to a value of its own, so a field an encoder forgets, or writes
// in another order, cannot pass. An event type added to the vocabulary fails
// to compile here until it has an example.

type EventOf<T extends Pop3EventType> = Extract<Pop3Event, { type: T }>;
const START = Date.UTC(2026, 0, 2, 3, 4, 5);
const ID = 7;

/** One event per type, every optional field present, no two values alike. */
// Required: an optional field added to an event fails to compile here until its example has it.
const EXAMPLES: { [T in Pop3EventType]: Required<Omit<EventOf<T>, 'sessionId' | 'at'>> } = {
  'session-start': { type: 'session-start', remoteAddress: '127.0.0.9', remotePort: 40_001, tls: 'none' },
  command: { type: 'command', verb: 'TOP', args: ['1', '5'], raw: 'top 1 5', state: 'TRANSACTION' },
  reply: {
    type: 'reply',
    status: '-ERR',
    line: '-ERR [IN-USE] caf\u00e9 \u{1F4EC}',
    bytes: 29,
    wholeBytes: 4_097,
  },
  'reply-unsent': { type: 'reply-unsent', status: '+', line: '+ PDEyMzQ1QGhvc3Q+' },
  auth: { type: 'auth', user: 'alice', mechanism: 'PLAIN', result: 'in-use' },
  'sasl-response': { type: 'sasl-response', mechanism: 'LOGIN', raw: 'c2VjcmV0' },
  state: { type: 'state', from: 'AUTHORIZATION', to: 'TRANSACTION' },
  tls: { type: 'tls', mode: 'stls', certificate: 'wrong-host' },
  'tls-failed': {
    type: 'tls-failed',
    mode: 'implicit',
    cause: 'unknown_ca',
    code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    reason: 'tlsv1 alert unknown ca',
  },
  'plaintext-dropped': { type: 'plaintext-dropped', raw: 'PASS s3cret', cause: 'after-stls' },
  'line-too-long': { type: 'line-too-long', raw: 'USER aaaa', limit: 255 },
  retrieve: { type: 'retrieve', number: 3, uid: 'uid-3' },
  update: { type: 'update', deleted: [{ number: 2, uid: 'uid-2' }] },
  fault: { type: 'fault', ruleId: 'rule-4', action: 'reply', description: 'on RETR: reply -ERR' },
  'internal-error': { type: 'internal-error', message: 'boom', stack: 'Error: boom\n    at here' },
  reset: {
    type: 'reset',
    startedAt: START - 5,
    remoteAddress: '127.0.0.8',
    remotePort: 40_002,
    tls: 'implicit',
    state: 'TRANSACTION',
    user: 'bob',
  },
  'session-end': { type: 'session-end', reason: 'quit-update' },
};

/** Every example as an event of one session, 3 ms apart, ending with `session-end`. */
function allEvents(): Pop3Event[] {
  const types = (Object.keys(EXAMPLES) as Pop3EventType[]).filter((t) => t !== 'session-end');
  return [...types, 'session-end' as const].map((type, i) => {
    // In the key order a session makes them: type, sessionId, at, then the fields.
    const { type: _, ...fields } = EXAMPLES[type];
    return { type, sessionId: ID, at: START + 3 * i, ...fields } as Pop3Event;
  });
}

function recordOf(events: readonly Pop3Event[]): SessionRecord {
  const record = new SessionRecord(ID, '127.0.0.9', 40_001, 'none', START);
  for (const event of events) record.apply(event);
  return record;
}

test('every field of every event type comes back, in order, from a sealed log (transcript, event log)', () => {
  const events = allEvents();
  const record = recordOf(events);
  expect(record.ended).toBe(true);
  expect(record.events).toEqual(events);
  expect(record.events.map((e) => Object.keys(e))).toEqual(events.map((e) => Object.keys(e)));
});

test('every field comes back from a live log, and a type read alone agrees with the whole', () => {
  const events = allEvents().slice(0, -1);
  const record = recordOf(events);
  expect(record.ended).toBe(false);
  // Read by type first (nothing kept), then whole.
  expect(record.faults.map((f) => f.description)).toEqual([EXAMPLES.fault.description]);
  expect(record.errors).toEqual([
    { message: 'boom', stack: 'Error: boom\n    at here', at: expect.any(Number) },
  ]);
  expect(record.events).toEqual(events);
});

test('a type read alone from a sealed log skips the texts of the others exactly', () => {
  const record = recordOf(allEvents());
  // internal-error comes after command, reply, sasl-response, tls-failed and fault texts.
  expect(record.errors.map((e) => e.stack)).toEqual([EXAMPLES['internal-error'].stack]);
  expect(record.faults.map((f) => f.description)).toEqual([EXAMPLES.fault.description]);
});

test('an absent optional text stays absent, and texts that are not strings are not read as lengths', () => {
  const at = START + 1;
  const noStack = { type: 'internal-error', sessionId: ID, at, message: 'no stack' } as const;
  // Not the mock's own: a record rebuilt from JSON someone edited.
  const odd = { type: 'fault', sessionId: ID, at, ruleId: 'r', action: 'reply', description: 12 };
  const end = { type: 'session-end', sessionId: ID, at, reason: 'quit-update' } as const;
  const late = {
    type: 'sasl-response',
    sessionId: ID,
    at,
    mechanism: 'PLAIN',
    raw: 'after the end',
  } as const;
  const lateOdd = { ...odd, description: 34 };
  const lateError = {
    type: 'internal-error',
    sessionId: ID,
    at,
    message: 'late',
    stack: 'at the end',
  } as const;
  const events = [
    noStack,
    odd as unknown as Pop3Event,
    end,
    late,
    lateOdd as unknown as Pop3Event,
    lateError,
  ];
  const record = recordOf(events);
  // By type first (read from the sealed texts, nothing kept), then whole.
  expect(record.faults.map((f) => f.description)).toEqual([12, 34]);
  expect(record.errors.map((e) => [e.message, e.stack])).toEqual([
    ['no stack', undefined],
    ['late', 'at the end'],
  ]);
  expect(record.events).toEqual(events);
  expect('stack' in record.events[0]!).toBe(false);
});

test('a command as the session parsed it and a reply given field by field (lazy events) come back as the same events given as objects', () => {
  // The session's path when no listener hears commands or replies (Recorder.command / .reply).
  const start = {
    type: 'session-start',
    sessionId: ID,
    at: START,
    remoteAddress: '127.0.0.9',
    remotePort: 40_001,
    tls: 'none',
  } as const;
  // Two commands in two states, so a state written wrong on this path cannot pass.
  const early = {
    type: 'command',
    sessionId: ID,
    at: START,
    verb: 'USER',
    args: ['alice'],
    raw: 'user alice',
    state: 'AUTHORIZATION',
  } as const;
  const { type: _c, ...commandFields } = EXAMPLES.command;
  const command = { type: 'command', sessionId: ID, at: START + 1, ...commandFields } as const;
  // Arguments that are not the line split (only an object can carry them: a record rebuilt from JSON): kept as given.
  const odd = { ...command, at: START + 2, args: ['1', 'five'] } as const;
  // A whole reply comes field by field; a cut one (with wholeBytes) only as an object.
  const { type: _r, wholeBytes: _w, ...replyFields } = EXAMPLES.reply;
  const reply = { type: 'reply', sessionId: ID, at: START + 3, ...replyFields } as const;
  const cut = { ...reply, at: START + 4, wholeBytes: EXAMPLES.reply.wholeBytes } as const;
  const end = { type: 'session-end', sessionId: ID, at: START + 5, reason: 'quit-update' } as const;
  const byFields = (record: SessionRecord, event: Pop3Event) => {
    // A command as a session parses it; one whose arguments are not its line's split comes as an object.
    if (event.type === 'command' && event !== odd)
      record[APPLY_COMMAND](event.at, parseCommandLine(Buffer.from(event.raw), false), event.state);
    else if (event.type === 'reply' && event.wholeBytes === undefined)
      record[APPLY_REPLY](event.at, event.status, event.line, event.bytes);
    else record.apply(event);
  };
  const events: Pop3Event[] = [start, early, command, odd, reply, cut, end];

  const lazy = new SessionRecord(ID, '127.0.0.9', 40_001, 'none', START);
  for (const event of events) byFields(lazy, event);
  expect(lazy.events).toEqual(events);
  expect(lazy.events.map((e) => Object.keys(e))).toEqual(events.map((e) => Object.keys(e)));

  // Read while live (the objects are made and kept), then more by fields: the kept objects grow too.
  const live = new SessionRecord(ID, '127.0.0.9', 40_001, 'none', START);
  for (const event of [start, early, command]) byFields(live, event);
  expect(live.events).toEqual([start, early, command]);
  for (const event of [odd, reply, cut, end]) byFields(live, event);
  expect(live.events).toEqual(events);
  expect(live.replies()).toEqual([
    { status: reply.status, line: reply.line, bytes: reply.bytes, at: reply.at },
    { status: cut.status, line: cut.line, bytes: cut.bytes, wholeBytes: cut.wholeBytes, at: cut.at },
  ]);
});

test('lazy commands in every state and replies of every status, at whole and fractional times, come back as given (transcript, event log)', () => {
  const record = new SessionRecord(ID, '127.0.0.9', 40_001, 'none', START);
  const given: Pop3Event[] = [];
  let step = 0;
  // An event of another type after each command and reply: a type read alone must skip each form's slots exactly.
  const fault = () => {
    const at = START + step++;
    const event = {
      type: 'fault',
      sessionId: ID,
      at,
      ruleId: `r${step}`,
      action: 'reply',
      description: `d${step}`,
    } as const;
    record.apply(event);
    given.push(event);
  };
  for (const fraction of [0, 0.5]) {
    for (const state of ['AUTHORIZATION', 'TRANSACTION', 'UPDATE'] as const) {
      const raw = `noop ${state.toLowerCase()}  x`;
      const at = START + step++ + fraction;
      record[APPLY_COMMAND](at, parseCommandLine(Buffer.from(raw), false), state);
      given.push({
        type: 'command',
        sessionId: ID,
        at,
        verb: 'NOOP',
        args: [state.toLowerCase(), 'x'],
        raw,
        state,
      });
      fault();
    }
    for (const status of ['+OK', '-ERR', '+'] as const) {
      const line = `${status} line ${step}`;
      const at = START + step++ + fraction;
      record[APPLY_REPLY](at, status, line, line.length + 2);
      given.push({ type: 'reply', sessionId: ID, at, status, line, bytes: line.length + 2 });
      fault();
    }
  }
  const faults = given.filter((e) => e.type === 'fault');
  expect(record.faults.map((f) => f.ruleId)).toEqual(faults.map((f) => f.ruleId));
  expect(record.events).toEqual(given);
  expect(record.events.map((e) => Object.keys(e))).toEqual(given.map((e) => Object.keys(e)));
});

test('times before the start (a clock set back), days later and with fractions come back exactly (transcript, event log)', () => {
  const reply = (at: number, line: string): Pop3Event => ({
    type: 'reply',
    sessionId: ID,
    at,
    status: '+OK',
    line,
    bytes: line.length + 2,
  });
  const events: Pop3Event[] = [
    reply(START - 5, '+OK back'),
    reply(START + 0.25, '+OK a quarter'),
    reply(START + 40 * 86_400_000, '+OK late'),
    { type: 'session-end', sessionId: ID, at: START + 40 * 86_400_000 + 1, reason: 'client-closed' },
  ];
  const record = recordOf(events);
  expect(record.events).toEqual(events);
});
