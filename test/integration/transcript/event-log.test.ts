import { on, type Pop3Event, type Pop3Mock, type SessionRecord } from '../../../src';
import { type Clock, systemClock } from '../../../src/clock';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, MESSAGE_1, MESSAGE_2, MESSAGE_3, startTranscriptServer } from './setup';

// A record keeps its events in a compact form (transcript/event-log.ts) and
// makes them objects again when read. What it gives back must be exactly what
// was emitted: every field, every time, with or without arguments.

let pop3: Pop3Mock;

afterEach(async () => {
  await pop3?.close();
});

/** Runs commands that take every argument shape, and gives the events as emitted and as recorded. */
async function emittedAndRecorded(
  clock?: Clock,
): Promise<{ emitted: Pop3Event[]; recorded: readonly Pop3Event[] }> {
  pop3 = await startTranscriptServer(clock ? { clock } : {});
  const emitted: Pop3Event[] = [];
  pop3.on('*', (event) => emitted.push(event));
  const record = await runScript(pop3);
  return { emitted, recorded: record.events };
}

/** One session of commands that take every argument shape; resolves with its record. */
async function runScript(server: Pop3Mock): Promise<SessionRecord> {
  const client = await RawClient.connect(server.port);
  await client.command('user alice');
  await client.command(`PASS ${ALICE_PASSWORD}`);
  await client.command('STAT');
  await client.multi('LIST');
  await client.command('LIST  2'); // two spaces: still one argument
  await client.command('NOOP x  y ');
  await client.command('XYZZY');
  // Texts are kept by their length once the session ended: one beyond Latin-1 and one of two UTF-16 units.
  client.write(Buffer.from('NOOP caf\u00e9 \u2603 \u{1F4EC}\r\n', 'utf8'));
  await client.readLine();
  await client.multi('RETR 1');
  await client.command('DELE 3');
  await client.command('QUIT');
  await client.closed();
  return server.sessionEnd();
}

/** Events without what differs between two runs of one script (session id, times, the client's port). */
function withoutIdAndTime(events: readonly Pop3Event[]): object[] {
  return events.map(({ sessionId: _, at: __, ...rest }) =>
    rest.type === 'session-start' ? { ...rest, remotePort: 0 } : rest,
  );
}

test('recorded events are the emitted ones, field for field (session-record, event log)', async () => {
  const { emitted, recorded } = await emittedAndRecorded();
  expect(emitted.map((e) => e.type)).toContain('update');
  expect(recorded).toEqual(emitted);
  // In the same key order too: a JSON export or a snapshot of the events prints them in it.
  expect(recorded.map((e) => Object.keys(e))).toEqual(emitted.map((e) => Object.keys(e)));
  const args = recorded.flatMap((e) => (e.type === 'command' ? [e.args] : []));
  expect(args).toEqual([
    ['alice'],
    [ALICE_PASSWORD.split(' ')[0], ALICE_PASSWORD.split(' ')[1]],
    [],
    [],
    ['2'],
    ['x', 'y'],
    [],
    ['caf\u00e9', '\u2603', '\u{1F4EC}'],
    ['1'],
    ['3'],
    [],
  ]);
});

test('a clock with fractions of a millisecond: every time comes back exact', async () => {
  let now = Date.UTC(2026, 0, 1) + 0.25;
  const clock: Clock = { now: () => (now += 0.5), setTimeout: systemClock.setTimeout };
  const { emitted, recorded } = await emittedAndRecorded(clock);
  expect(emitted.some((e) => !Number.isInteger(e.at))).toBe(true);
  expect(recorded).toEqual(emitted);
});

test('a clock that goes back before the session began: times before the start come back exact', async () => {
  let now = Date.UTC(2026, 0, 1);
  const clock: Clock = { now: () => (now -= 7), setTimeout: systemClock.setTimeout };
  const { emitted, recorded } = await emittedAndRecorded(clock);
  expect(emitted.at(-1)!.at).toBeLessThan(emitted[0]!.at);
  expect(recorded).toEqual(emitted);
});

test('retrievals, faults and errors read before the events agree with the events read after', async () => {
  pop3 = await startTranscriptServer();
  await pop3.use(on('STAT').reply('-ERR [SYS/TEMP] busy'));
  const client = await RawClient.connect(pop3.port);
  await client.command('USER alice');
  await client.command(`PASS ${ALICE_PASSWORD}`);
  await client.multi('RETR 2');
  await client.command('STAT');
  await client.multi('RETR 1');
  await client.command('QUIT');
  await client.closed();
  const record = await pop3.sessionEnd();
  // First reads: made from the log, one type at a time.
  const retrieved = record.retrieved;
  const faults = record.faults;
  const errors = record.errors;
  const events = record.events;
  expect(retrieved.map((r) => r.number)).toEqual([2, 1]);
  expect(retrieved).toEqual(
    events.flatMap((e) => (e.type === 'retrieve' ? [{ number: e.number, uid: e.uid }] : [])),
  );
  expect(faults).toHaveLength(1);
  expect(faults).toEqual(
    events.flatMap((e) =>
      e.type === 'fault'
        ? [{ ruleId: e.ruleId, action: e.action, description: e.description, at: e.at }]
        : [],
    ),
  );
  expect(errors).toEqual([]);
  // And once the events were read, the same again.
  expect(record.retrieved).toEqual(retrieved);
  expect(record.faults).toEqual(faults);
});

test('a session no listener hears is recorded as one a listener of every event hears (lazy command and reply events)', async () => {
  // With no listener for commands and replies, a session gives them to the
  // recorder field by field and no event object is made: the record must
  // not tell the two apart. (DEBUG=pop3-mock would add a listener of every event.)
  const debug = process.env.DEBUG;
  delete process.env.DEBUG;
  try {
    pop3 = await startTranscriptServer();
  } finally {
    if (debug !== undefined) process.env.DEBUG = debug;
  }
  const unheard = (await runScript(pop3)).events;
  // The same mailbox for the second run (the first deleted a message); the events read before are kept.
  await pop3.reset();
  const emitted: Pop3Event[] = [];
  const stop = pop3.on('*', (event) => emitted.push(event));
  const heard = await runScript(pop3);
  stop();
  expect(heard.events).toEqual(emitted);
  expect(unheard.filter((e) => e.type === 'command')).toHaveLength(11);
  expect(withoutIdAndTime(unheard)).toEqual(withoutIdAndTime(heard.events));
  expect(unheard.map((e) => Object.keys(e))).toEqual(heard.events.map((e) => Object.keys(e)));
  // What a listener gets, in the vocabulary's key order.
  expect(Object.keys(emitted.find((e) => e.type === 'command')!)).toEqual([
    'type',
    'sessionId',
    'at',
    'verb',
    'args',
    'raw',
    'state',
  ]);
  expect(Object.keys(emitted.find((e) => e.type === 'reply')!)).toEqual([
    'type',
    'sessionId',
    'at',
    'status',
    'line',
    'bytes',
  ]);
});

test('a listener added in the middle of a session hears its commands and replies from then on; the record holds them all', async () => {
  pop3 = await startTranscriptServer();
  const client = await RawClient.connect(pop3.port);
  await client.command('USER alice');
  await client.command(`PASS ${ALICE_PASSWORD}`);
  const heard: string[] = [];
  const stopCommands = pop3.on('command', (e) => heard.push(`C: ${e.raw}`));
  const stopReplies = pop3.on('reply', (e) => heard.push(`S: ${e.line}`));
  await client.command('STAT');
  await client.command('NOOP');
  stopCommands();
  await client.command('LIST 1');
  stopReplies();
  await client.command('QUIT');
  await client.closed();
  const record = await pop3.sessionEnd();
  const octets = [MESSAGE_1, MESSAGE_2, MESSAGE_3].map((m) => Buffer.byteLength(m));
  expect(heard).toEqual([
    'C: STAT',
    `S: +OK 3 ${octets[0]! + octets[1]! + octets[2]!}`,
    'C: NOOP',
    'S: +OK',
    `S: +OK 1 ${octets[0]}`,
  ]);
  expect(record.commands()).toEqual(['USER alice', 'PASS ******', 'STAT', 'NOOP', 'LIST 1', 'QUIT']);
  expect(record.replies()).toHaveLength(7);
});
