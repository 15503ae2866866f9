import {
  type Dialect,
  type FaultRuleInput,
  on,
  type Pop3Event,
  type Pop3Mock,
  rfcDialect,
} from '../../../src';
import { type Clock, systemClock } from '../../../src/clock';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, startTranscriptServer } from './setup';

// The session reads the clock once for the commands it runs without
// waiting (lines that arrived together), and what they cause in that turn
// (reply, login, state change, a fault firing, a deletion, the end after
// QUIT) carries that reading. A clock that moves at every reading shows
// which events share one, that a reply held back reads it again, and that
// no event of a session is stamped earlier than one before it.

let pop3: Pop3Mock;

afterEach(async () => {
  await pop3?.close();
});

/** A clock that moves one millisecond at every reading, with real timers. */
function tickingClock(): Clock {
  let now = Date.UTC(2026, 0, 1);
  return { now: () => ++now, setTimeout: systemClock.setTimeout };
}

/** The events of the one session, in order, once it has ended. */
async function sessionEvents(server: Pop3Mock): Promise<readonly Pop3Event[]> {
  return (await server.sessionEnd()).events;
}

/** A server on a ticking clock, with `rules` in use, and a client logged in as alice. */
async function loggedIn(...rules: FaultRuleInput[]): Promise<RawClient> {
  pop3 = await startTranscriptServer({ clock: tickingClock() });
  if (rules.length > 0) await pop3.use(...rules);
  const client = await RawClient.connect(pop3.port);
  await client.command('USER alice');
  await client.command(`PASS ${ALICE_PASSWORD}`);
  return client;
}

/** The events that follow the command `verb`, up to the next command. */
function causedBy(events: readonly Pop3Event[], verb: string): Pop3Event[] {
  const at = events.findIndex((e) => e.type === 'command' && e.verb === verb);
  expect(at).toBeGreaterThanOrEqual(0);
  const next = events.findIndex((e, i) => i > at && e.type === 'command');
  return events.slice(at, next === -1 ? undefined : next);
}

test('the events a command causes in its turn carry the command’s reading of the clock', async () => {
  const client = await loggedIn();
  await client.multi('RETR 1');
  await client.command('DELE 1');
  await client.command('QUIT');
  const events = await sessionEvents(pop3);

  const pass = causedBy(events, 'PASS');
  expect(pass.map((e) => e.type)).toEqual(['command', 'auth', 'state', 'reply']);
  const retr = causedBy(events, 'RETR');
  expect(retr.map((e) => e.type)).toEqual(['command', 'retrieve', 'reply']);
  const quit = causedBy(events, 'QUIT');
  expect(quit.map((e) => e.type)).toEqual(['command', 'state', 'update', 'reply', 'session-end']);
  for (const caused of [pass, retr, quit]) {
    expect(new Set(caused.map((e) => e.at)).size).toBe(1);
  }
  // Sent one at a time, each command reads the clock anew.
  const commandTimes = events.filter((e) => e.type === 'command').map((e) => e.at);
  expect(commandTimes).toEqual([...commandTimes].sort((a, b) => a - b));
  expect(new Set(commandTimes).size).toBe(commandTimes.length);
});

test('pipelined commands read together share one reading; after a command that waited, the clock is read again', async () => {
  pop3 = await startTranscriptServer({ clock: tickingClock() });
  await pop3.use(on('STAT').delay(20));
  const client = await RawClient.connect(pop3.port);
  client.write(`USER alice\r\nPASS ${ALICE_PASSWORD}\r\nNOOP\r\nSTAT\r\nNOOP\r\nQUIT\r\n`);
  const events = await sessionEvents(pop3);
  const commands = events.filter((e) => e.type === 'command');
  expect(commands.map((e) => e.type === 'command' && e.verb)).toEqual([
    'USER',
    'PASS',
    'NOOP',
    'STAT',
    'NOOP',
    'QUIT',
  ]);
  const [user, pass, noop, stat, noopAfter, quit] = commands.map((e) => e.at);
  // Read in one go, run without waiting: one reading, for their replies too.
  expect([pass, noop, stat]).toEqual([user, user, user]);
  expect(causedBy(events, 'USER').find((e) => e.type === 'reply')).toMatchObject({ at: user });
  // STAT waited for its fault: the lines after it read the clock anew.
  expect(noopAfter).toBeGreaterThan(user!);
  expect(quit).toBe(noopAfter);
});

test('a reply a fault holds back reads the clock when it leaves, not when its command came', async () => {
  const client = await loggedIn(on('NOOP').delay(20));
  await client.command('NOOP');
  await client.command('QUIT');
  const [command, ...after] = causedBy(await sessionEvents(pop3), 'NOOP');
  const reply = after.find((e) => e.type === 'reply');
  expect(reply).toBeDefined();
  expect(reply!.at).toBeGreaterThan(command!.at);
});

test('after a command that throws inside the mock, later events read the clock again', async () => {
  // The reading is the turn's: an internal error must not leave it behind for the close that follows.
  const broken: Dialect = {
    ...rfcDialect,
    name: 'broken',
    texts: {
      ...rfcDialect.texts,
      unknownCommand: () => {
        throw new Error('unknownCommand text broke');
      },
    },
  };
  const stderr = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    pop3 = await startTranscriptServer({ clock: tickingClock(), dialect: broken });
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('XYZZY')).toBe(`-ERR ${rfcDialect.texts.internalError}`);
    await client.closed();
    const events = await sessionEvents(pop3);
    const [command, ...after] = causedBy(events, 'XYZZY');
    expect(after.map((e) => e.type)).toEqual(['internal-error', 'reply', 'session-end']);
    for (const event of after) expect(event.at).toBeGreaterThan(command!.at);
  } finally {
    stderr.mockRestore();
  }
});

/** Neighbouring events where the later one carries an earlier time. */
function backwards(events: readonly Pop3Event[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < events.length; i++) {
    const [a, b] = [events[i - 1]!, events[i]!];
    if (b.at < a.at) out.push(`${a.type}@${a.at} then ${b.type}@${b.at}`);
  }
  return out;
}

test.each([
  ['reply', 'NOOP', on('NOOP').reply('+OK faked')],
  ['sizeSkew', 'STAT', on('STAT').sizeSkew(3)],
  ['injectAfterReply', 'NOOP', on('NOOP').injectAfterReply('+OK extra')],
])(
  'a fault (%s) that fires on a command is stamped with the command’s turn, not after its reply',
  async (_, verb, rule) => {
    const client = await loggedIn(rule);
    await client.command(verb);
    client.write('QUIT\r\n');
    await client.closed();
    const events = await sessionEvents(pop3);
    const caused = causedBy(events, verb);
    expect(caused.map((e) => e.type).slice(0, 3)).toEqual(['command', 'fault', 'reply']);
    expect(backwards(events)).toEqual([]);
  },
);

test('a message deleted at UPDATE: deletedAt is the QUIT’s reading, as are the update and end events', async () => {
  const client = await loggedIn();
  await client.command('DELE 1');
  await client.command('QUIT');
  const events = await sessionEvents(pop3);
  const quit = causedBy(events, 'QUIT');
  const [deleted] = pop3.outcome('alice').deleted;
  expect(deleted!.deletedAt.getTime()).toBe(quit[0]!.at);
  expect(backwards(events)).toEqual([]);
});

test('reset() from a listener while a command runs: the events after the reset event are not earlier than it', async () => {
  pop3 = await startTranscriptServer({ clock: tickingClock() });
  const heard: Pop3Event[] = [];
  pop3.on('*', (e) => heard.push(e));
  pop3.on('command', (e) => {
    if (e.verb === 'NOOP') void pop3.reset();
  });
  const client = await RawClient.connect(pop3.port);
  await client.command('NOOP');
  client.write('QUIT\r\n');
  await client.closed();
  const record = await pop3.sessionEnd();
  const reset = heard.find((e) => e.type === 'reset');
  expect(reset).toBeDefined();
  // The restarted record begins with the reset event: nothing in it is earlier.
  expect(record.events[0]).toMatchObject({ type: 'reset', at: reset!.at });
  expect(backwards(record.events)).toEqual([]);
});
