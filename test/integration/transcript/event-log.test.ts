import type { Pop3Event, Pop3Mock } from '../../../src';
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
  const args = recorded.flatMap((e) => (e.type === 'command' ? [e.args] : []));
  expect(args).toEqual([
    ['alice'],
    [ALICE_PASSWORD.split(' ')[0], ALICE_PASSWORD.split(' ')[1]],
    [],
    [],
    ['2'],
    ['x', 'y'],
    [],
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
