import {
  InputError,
  type Missing,
  NotFoundError,
  type Pop3MockApi,
  ServerClosedError,
  startPop3Mock,
  WaitCancelledError,
  type Where,
} from '../../../src';
import type { SessionRecord } from '../../../src/transcript/session-record';
import { type Side, sides } from '../../helpers/api-sides';
import { nodePop3 } from '../../helpers/clients/node-pop3';

/*
 * One error vocabulary: the same bad call is the same error on both sides of
 * the test API, of the same class, naming the same call and path (or, for a
 * user, message or session the server does not hold, a NotFoundError saying
 * which). Before, in process and remote differed on half of these: `false`
 * against an InputError, a RangeError or a plain Error against a
 * ControlError(404), an InputError against a TypeError, and
 * `sessionEnd('x')` in process threw from a timer into the host process.
 */

const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';

type Expected = { error: 'InputError'; path: string } | { error: 'NotFoundError'; missing: Missing };

const badCalls: [string, (api: Pop3MockApi<Where>) => unknown, Expected][] = [
  ['removeUser("a b")', (api) => api.removeUser('a b'), { error: 'InputError', path: 'user' }],
  ['removeRule("")', (api) => api.removeRule(''), { error: 'InputError', path: 'id' }],
  ['removeRule(5)', (api) => api.removeRule(5 as never), { error: 'InputError', path: 'id' }],
  ['raw(0)', (api) => api.mailbox('alice').raw(0), { error: 'InputError', path: 'number' }],
  ['raw("1")', (api) => api.mailbox('alice').raw('1' as never), { error: 'InputError', path: 'number' }],
  [
    'raw(9) of a mailbox of one',
    (api) => api.mailbox('alice').raw(9),
    { error: 'NotFoundError', missing: { kind: 'message', user: 'alice', number: 9 } },
  ],
  [
    'mailbox("ghost").messages()',
    (api) => api.mailbox('ghost').messages(),
    { error: 'NotFoundError', missing: { kind: 'user', user: 'ghost' } },
  ],
  ['mailbox("a b")', (api) => api.mailbox('a b'), { error: 'InputError', path: 'user' }],
  [
    'deliver("ghost", …)',
    (api) => api.deliver('ghost', MESSAGE),
    { error: 'NotFoundError', missing: { kind: 'user', user: 'ghost' } },
  ],
  ['deliver("", …)', (api) => api.deliver('', MESSAGE), { error: 'InputError', path: 'user' }],
  [
    'outcome("ghost")',
    (api) => api.outcome('ghost'),
    { error: 'NotFoundError', missing: { kind: 'user', user: 'ghost' } },
  ],
  [
    'sessionEnd(99)',
    (api) => api.sessionEnd(99, { timeoutMs: 50 }),
    { error: 'NotFoundError', missing: { kind: 'session', sessionId: 99 } },
  ],
  ['sessionEnd(0)', (api) => api.sessionEnd(0, { timeoutMs: 50 }), { error: 'InputError', path: 'session' }],
  [
    'sessionEnd("x")',
    (api) => api.sessionEnd('x' as never, { timeoutMs: 50 }),
    { error: 'InputError', path: 'session' },
  ],
  ['verify(5)', (api) => api.verify(5 as never), { error: 'InputError', path: 'pattern' }],
  ['verify("NOOP", 5)', (api) => api.verify('NOOP', 5 as never), { error: 'InputError', path: 'options' }],
  ['waitForCommand(5)', (api) => api.waitForCommand(5 as never), { error: 'InputError', path: 'pattern' }],
  [
    'waitFor(5)',
    (api) => api.waitFor(5 as never, { timeoutMs: 50 }),
    { error: 'InputError', path: 'predicate' },
  ],
  [
    'on("sesion-start")',
    (api) => api.on('sesion-start' as never, () => {}),
    { error: 'InputError', path: 'type' },
  ],
  ['on("*", 5)', (api) => api.on('*', 5 as never), { error: 'InputError', path: 'listener' }],
  [
    'listSessions({ sessionId: "1" })',
    (api) => api.listSessions({ sessionId: '1' as never }),
    { error: 'InputError', path: 'sessionId' },
  ],
  [
    'commands({ user: 5 })',
    (api) => api.commands({ user: 5 as never }),
    { error: 'InputError', path: 'user' },
  ],
  [
    'addUser("bob", { pasword })',
    (api) => api.addUser('bob', { pasword: 'x' } as never),
    { error: 'InputError', path: 'options.password' },
  ],
];

/** What a call did, in a form both sides can be compared by. */
async function outcomeOf(call: () => unknown): Promise<Record<string, unknown>> {
  try {
    return { value: await call() };
  } catch (error) {
    if (!(error instanceof Error)) return { thrown: error };
    const { name, message } = error;
    if (error instanceof InputError) return { name, message, path: error.path, issues: error.issues };
    if (error instanceof NotFoundError) return { name, message, missing: error.missing };
    return { name, message };
  }
}

const said = new Map<string, Map<string, Record<string, unknown>>>();

describe.each(sides)('%s', (name, start) => {
  let side: Side;
  const answers = new Map<string, Record<string, unknown>>();
  beforeAll(async () => {
    side = await start({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
  });
  afterAll(async () => {
    said.set(name, answers);
    await side.close();
  });

  test.each(badCalls)('%s: the error the one vocabulary names', async (label, call, expected) => {
    const outcome = await outcomeOf(() => call(side.api));
    answers.set(label, outcome);
    if (expected.error === 'InputError') {
      expect(outcome).toMatchObject({ name: 'InputError', path: expected.path });
      // Named by the call, as a test wrote it.
      expect(outcome.message).toMatch(/^\w+\(\): /);
    } else {
      expect(outcome).toMatchObject({ name: 'NotFoundError', missing: expected.missing });
    }
    // Nothing was stored half-way.
    expect(await side.api.users()).toEqual(['alice']);
    expect((await side.api.mailbox('alice').messages()).length).toBe(1);
    expect(await side.api.rules()).toEqual([]);
  });

  test('a NotFoundError is a RangeError, as these calls threw in process before', async () => {
    const outcome = await (async () => side.api.mailbox('alice').raw(2))().catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(NotFoundError);
    expect(outcome).toBeInstanceOf(RangeError);
  });

  test('removeUser and removeRule of a well-formed unknown name say false, not an error', async () => {
    expect(await side.api.removeUser('ghost')).toBe(false);
    expect(await side.api.removeRule('no-such-rule')).toBe(false);
  });

  test('a stored rule id used again is refused by use(), named as the call', async () => {
    const rule = {
      id: 'slow',
      trigger: { point: 'command', verbs: ['NOOP'] },
      action: { type: 'delay', delay: 1 },
    } as const;
    await side.api.use(rule);
    const again = await outcomeOf(() => side.api.use(rule));
    expect(again).toMatchObject({ name: 'InputError', path: 'rules[0].id' });
    expect(again.message).toMatch(/^use\(\): rules\[0\]\.id: expected an id no stored rule has/);
    answers.set('use() of a stored id', again);
    expect(await side.api.removeRule('slow')).toBe(true);
  });

  test('records hold real values and print them masked, on both sides', async () => {
    const ended = side.api.sessionEnd(undefined, { since: (await side.api.listSessions()).at(-1)?.id ?? 0 });
    const client = nodePop3(side.server.port, 'alice', 'secret');
    await client.STAT();
    await client.QUIT();
    const record = await ended;
    const [listed] = await side.api.listSessions({ sessionId: record.id });
    for (const r of [record, listed!]) {
      expect(r.commandEvents().find((c) => c.verb === 'PASS')?.args).toEqual(['secret']);
      expect(r.commands()).toContain('PASS ******');
      expect(r.render()).toContain('C: PASS ******');
    }
    // A command a wait found is a real value too: remotely it was masked, so a check that a
    // client never sent an old password passed whatever it sent.
    const pass = await side.api.waitForCommand('PASS *', { includePast: true, sessionId: record.id });
    expect({ args: pass.args, raw: pass.raw }).toEqual({ args: ['secret'], raw: 'PASS secret' });
    const exported = await side.api.exportTranscripts({ sessionId: record.id, secrets: true });
    expect(exported.sessions[0]!.commands).toContain('PASS secret');
    const masked = await side.api.exportTranscripts({ sessionId: record.id });
    expect(masked.sessions[0]!.commands).toContain('PASS ******');
    answers.set('records', {
      commands: listed!.commands(),
      args: listed!.commandEvents().map((c) => c.args),
      exported: exported.sessions[0]!.commands,
      waited: [pass.args, pass.raw],
    });
  });
});

test('both sides said the same, call by call', () => {
  const local = said.get('in process');
  const remote = said.get('remote');
  expect(local?.size).toBe(badCalls.length + 2);
  expect(Object.fromEntries(remote!)).toEqual(Object.fromEntries(local!));
});

describe.each(sides)('%s: a wait the close cuts short', (_name, start) => {
  test('nextSession() pending at close() is a WaitCancelledError saying so, as in process', async () => {
    const side = await start();
    const waiting = side.api.nextSession({ timeoutMs: 10_000 }).catch((error: unknown) => error);
    // The wait is registered on the server before it closes.
    await new Promise<void>((resolve) => {
      const poll = () => (side.server.pendingWaits > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    await side.close();
    const error = await waiting;
    expect(error).toBeInstanceOf(WaitCancelledError);
    expect((error as Error).message).toMatch(
      /^pop3-mock: the server was closed while waiting for a new session/,
    );
  });

  // Remotely, the event stream's last word (`closing`) was heard and nothing more done: the wait ran
  // out its timeout and said it had timed out, and on() went on as if the server were there.
  test('waitFor() pending when the server closes is cancelled saying so, and on() after it is refused', async () => {
    const side = await start();
    try {
      const waiting = side.api.waitFor(() => false, { timeoutMs: 10_000 }).catch((error: unknown) => error);
      if ('listening' in side.api) await (side.api as { listening(): Promise<void> }).listening();
      await side.server.close();
      const error = await waiting;
      expect(error).toBeInstanceOf(WaitCancelledError);
      expect((error as Error).message).toMatch(
        /^pop3-mock: the server was closed while waiting for a matching event/,
      );
      expect(() => side.api.on('*', () => {})).toThrow(ServerClosedError);
    } finally {
      await side.close();
    }
  });
});

// Remotely, a waitFor() after the client's own close() waited out its timeout, and on() opened the
// event stream again: a connection the test believed closed.
describe.each(sides)("%s: after the API's own close()", (name, start) => {
  test('waitFor() is cancelled at once and on() is refused', async () => {
    const side = await start();
    try {
      await side.api.close();
      const error = await side.api.waitFor(() => true, { timeoutMs: 60_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitCancelledError);
      const who = name === 'remote' ? 'remote client' : 'server';
      expect((error as Error).message).toMatch(
        new RegExp(`^pop3-mock: the ${who} was closed before waiting for a matching event`),
      );
      expect(() => side.api.on('*', () => {})).toThrow(/^pop3-mock: on\(\)/);
    } finally {
      await side.close();
    }
  });
});

test("sessionEnd() takes a record of another copy of the package (CJS beside ESM): recognised by its shape, as the matchers' are", async () => {
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
  try {
    const client = nodePop3(pop3.port, 'alice', 'secret');
    await client.STAT();
    await client.QUIT();
    const ended = await pop3.sessionEnd();
    // A second copy of the module: its SessionRecord is another class.
    let Other: typeof SessionRecord | undefined;
    jest.isolateModules(() => {
      Other = (require('../../../src/transcript/session-record') as { SessionRecord: typeof SessionRecord })
        .SessionRecord;
    });
    const copy = Other!.fromJSON(ended.toJSON());
    expect(copy).not.toBeInstanceOf(ended.constructor);
    expect((await pop3.sessionEnd(copy as never)).id).toBe(ended.id);
  } finally {
    await pop3.close();
  }
});
