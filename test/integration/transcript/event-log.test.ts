import { on, type Pop3Event, type Pop3Mock } from '../../../src';
import { type Clock, systemClock } from '../../../src/clock';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, startTranscriptServer } from './setup';

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
  const client = await RawClient.connect(pop3.port);
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
  const record = await pop3.sessionEnd();
  return { emitted, recorded: record.events };
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
