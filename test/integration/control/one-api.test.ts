import { InputError, on, UserLoggedInError, VerificationError } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { SessionRecord } from '../../../src/transcript/session-record';
import { type Side, sides } from '../../helpers/api-sides';
import { nodePop3 } from '../../helpers/clients/node-pop3';
import { RawClient } from '../../helpers/raw-client';

/*
 * One interface, two implementations: every scenario here runs against the
 * in-process server and against the remote client of a server in the same
 * process (over its control API), and the last test compares what both
 * answered, field by field.
 */

installPop3Matchers();

const FIRST = 'Subject: first\r\n\r\nhello\r\n';
const SECOND = 'Subject: second\r\n\r\n.dot line\r\nbye\r\n';

/** What each side answered, for the comparison at the end. */
const answers = new Map<string, Record<string, unknown>>();

async function fetchAll(port: number, user: string, password: string): Promise<string[]> {
  const client = nodePop3(port, user, password);
  const list = (await client.UIDL()) as unknown as string[][];
  const bodies: string[] = [];
  for (const [number] of list) bodies.push(await client.RETR(Number(number)));
  await client.DELE(1);
  await client.QUIT();
  return bodies;
}

describe.each(sides)('%s', (name, start) => {
  let side: Side;
  const answered: Record<string, unknown> = {};
  beforeAll(async () => {
    side = await start();
  });
  afterAll(async () => {
    answers.set(name, answered);
    await side.close();
  });

  test('users and mailboxes: the same shapes, dates as Date, bytes as Buffer', async () => {
    const { api, server } = side;
    const mailbox = await api.addUser('alice', 'secret');
    expect(await mailbox.messages()).toEqual([]);
    const delivered = await api.deliver('alice', [FIRST, Buffer.from(SECOND)]);
    expect(delivered.map((m) => m.number)).toEqual([1, 2]);
    const messages = await api.mailbox('alice').messages();
    // deliver() resolves with the messages it added, as messages() lists them: a third delivery gives only its own.
    expect(
      delivered.map(({ number, uid, size, deliveredAt }) => ({ number, uid, size, deliveredAt })),
    ).toEqual(messages.map(({ number, uid, size, deliveredAt }) => ({ number, uid, size, deliveredAt })));
    expect(messages.map((m) => m.deliveredAt instanceof Date)).toEqual([true, true]);
    const raw = await api.mailbox('alice').raw(2);
    expect(raw.equals(Buffer.from(SECOND))).toBe(true);
    // A copy on both sides: writing into it does not change the next one.
    raw.write('X', 0);
    expect((await api.mailbox('alice').raw(2)).equals(Buffer.from(SECOND))).toBe(true);
    expect(await api.users()).toEqual(['alice']);
    expect(await api.removeUser('nobody')).toBe(false);
    expect(api.tls.ca).toBe(server.tls.ca);
    answered.messages = messages.map(({ number, uid, size }) => ({ number, uid, size }));
    const third = await api.deliver('alice', 'Subject: third\r\n\r\nthree\r\n');
    expect(third.map((m) => m.number)).toEqual([3]);
    // Back to the two messages the later tests expect.
    await api.mailbox('alice').reset();
    await api.deliver('alice', [FIRST, Buffer.from(SECOND)]);
  });

  test('rules as data: a lower-case verb fires, explain() works, removeRule says false for none', async () => {
    const { api, server } = side;
    const added = await api.use({
      trigger: { point: 'command', verbs: ['noop'] },
      action: { type: 'reply', lines: ['-ERR [SYS/TEMP] busy'] },
    });
    expect(added.map((r) => r.explain)).toEqual(['on every NOOP: reply "-ERR [SYS/TEMP] busy"']);
    const listed = await api.rules();
    expect(listed.map((s) => s.rule.explain())).toEqual([added[0]!.explain]);
    expect((await api.pendingRules()).map((r) => r.id)).toEqual([added[0]!.id]);
    const client = await RawClient.connect(server.port);
    expect(await client.command('NOOP')).toBe('-ERR [SYS/TEMP] busy');
    await client.command('QUIT');
    expect(await api.pendingRules()).toEqual([]);
    expect(await api.removeRule(added[0]!.id)).toBe(true);
    expect(await api.removeRule(added[0]!.id)).toBe(false);
    answered.explain = added.map((r) => r.explain);
  });

  test('a bad rule or verify option is an InputError with the same path, and nothing is stored', async () => {
    const { api } = side;
    const bad = api.use(on('RETR').closeAfterBytes(-3));
    await expect(bad).rejects.toBeInstanceOf(InputError);
    await expect(bad).rejects.toMatchObject({
      path: 'rules[0].action.bytes',
      issues: [{ path: 'rules[0].action.bytes', message: 'expected an integer >= 0, got -3' }],
    });
    expect(await api.rules()).toEqual([]);
    const typo = (async () => api.verify('RETR 1', { times: { atleast: 1 } as never }))();
    await expect(typo).rejects.toMatchObject({
      name: 'InputError',
      issues: [{ path: 'times', message: 'unknown key "atleast"; did you mean "atLeast"?' }],
    });
  });

  // Remotely, null threw a TypeError in the client, and a single bad message was named messages[0].
  test.each([null, 5])(
    'deliver(user, %p) is an InputError naming messages, nothing delivered',
    async (bad) => {
      const { api } = side;
      const before = await api.mailbox('alice').messages();
      const refused = (async () => api.deliver('alice', bad as never))();
      await expect(refused).rejects.toBeInstanceOf(InputError);
      await expect(refused).rejects.toMatchObject({
        path: 'messages',
        issues: [{ path: 'messages', message: `expected a message or a list of messages, got ${bad}` }],
      });
      expect(await api.mailbox('alice').messages()).toEqual(before);
    },
  );

  test('a session: records with methods, the jest matchers, waits and verify', async () => {
    const { api, server } = side;
    const next = api.nextSession({ timeoutMs: 5000 });
    const fetched = fetchAll(server.port, 'alice', 'secret');
    const started = await next;
    expect(started).toBeInstanceOf(SessionRecord);
    expect(await fetched).toHaveLength(2);
    const ended = await api.sessionEnd(started.id, { timeoutMs: 5000 });
    expect(ended.endReason).toBe('quit-update');
    const [record] = await api.listSessions({ user: 'alice' });
    expect(record!.startedAt).toBeInstanceOf(Date);
    expect(record!.commands()).toContain('RETR 2');
    expect(await api.listSessions()).toHaveReceivedCommand('RETR 1');
    expect(await api.listSessions()).toHaveDeletedMessages([1]);
    expect(await api.listSessions()).toHaveEndedWith('quit-update');
    expect(await api.verify('RETR *', { times: 2 })).toBe(2);
    await expect((async () => api.verify('DELE 2'))()).rejects.toBeInstanceOf(VerificationError);
    // Any safe integer and a RegExp of any length, as in process (over HTTP a session id of 16
    // digits and a pattern of over 1,000 characters were refused).
    expect(await api.listSessions({ sessionId: 2 ** 52 })).toEqual([]);
    expect(await api.commands({ sessionId: 1e15 })).toEqual([]);
    const long = new RegExp(`^(RETR 1${'|X'.repeat(600)}|RETR 2)$`);
    expect(long.source.length).toBeGreaterThan(1000);
    expect(await api.verify(long, { times: 2 })).toBe(2);
    const outcome = await api.outcome('alice');
    expect(outcome.deleted.map((d) => d.deletedAt instanceof Date)).toEqual([true]);
    answered.commands = await api.commands();
    // Rule ids come from one sequence per process: the two servers here got different ones.
    answered.transcript = (await api.transcript({ stable: true })).replace(/rule-\d+/g, 'rule-N');
    answered.outcome = { ...outcome, deleted: outcome.deleted.map(({ deletedAt: _, ...d }) => d) };
    answered.record = {
      id: record!.id,
      user: record!.user,
      tls: record!.tls,
      state: record!.state,
      endReason: record!.endReason,
      retrieved: record!.retrieved,
      deleted: record!.deleted,
      commands: record!.commands(),
      render: record!.render({ stable: true }).replace(/rule-\d+/g, 'rule-N'),
    };
    answered.deleted = (await api.mailbox('alice').deleted()).map(({ uid, size, sessionId }) => ({
      uid,
      size,
      sessionId,
    }));
  });

  // A misspelt filter printed every session; remotely, notes, header and timestamps were dropped on the way.
  test('transcript() and exportTranscripts(): every option honoured, a misspelt one refused', async () => {
    const { api, server } = side;
    const client = await RawClient.login(server.port, 'alice', 'secret');
    await client.command('QUIT');
    await client.closed();
    const { id } = await api.sessionEnd(undefined, { timeoutMs: 5000 });
    const plain = await api.transcript({ sessionId: id, notes: false, header: false });
    expect(plain).toMatch(/^S: \+OK/);
    expect(plain).not.toMatch(/^(--|#)/m);
    const typo = (async () => api.transcript({ usr: 'bob' } as never))();
    await expect(typo).rejects.toBeInstanceOf(InputError);
    await expect(typo).rejects.toThrow('unknown key "usr"; did you mean "user"?');
    const exportTypo = (async () => api.exportTranscripts({ sesionId: 1 } as never))();
    await expect(exportTypo).rejects.toBeInstanceOf(InputError);
    await expect(exportTypo).rejects.toThrow('unknown key "sesionId"; did you mean "sessionId"?');
  });

  test('waitFor and on() see events, remotely through the event stream', async () => {
    const { api, server } = side;
    const seen: string[] = [];
    const stop = api.on('command', (event) => seen.push(event.type === 'command' ? event.verb : event.type));
    if ('listening' in api) await (api as { listening(): Promise<void> }).listening();
    const quit = api.waitFor((e) => e.type === 'command' && e.verb === 'QUIT', { timeoutMs: 5000 });
    const client = await RawClient.connect(server.port);
    await client.command('CAPA');
    await client.command('QUIT');
    expect((await quit).type).toBe('command');
    await api.sessionEnd(undefined, { timeoutMs: 5000 });
    stop();
    expect(seen).toEqual(['CAPA', 'QUIT']);
  });

  test('on() hears every event from its call, those before the event stream is connected too', async () => {
    const { api, server } = side;
    const heard: string[] = [];
    let ended: () => void = () => {};
    const sessionEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    // No listening(): a client that connects at once must not be missed (remotely the stream
    // connects later; the server replays what happened since the call).
    const stop = api.on('*', (event) => {
      heard.push(event.type === 'command' ? `C: ${event.verb}` : event.type);
      if (event.type === 'session-end') ended();
    });
    const client = await RawClient.connect(server.port);
    await client.command('QUIT');
    await sessionEnded;
    stop();
    const record = await api.sessionEnd(undefined, { timeoutMs: 5000 });
    expect(heard).toEqual(record.events.map((e) => (e.type === 'command' ? `C: ${e.verb}` : e.type)));
    expect(heard).toEqual(['session-start', 'reply', 'C: QUIT', 'reply', 'session-end']);
  });

  test('since: a wait started after the client connected still finds its session, and its end', async () => {
    const { api, server } = side;
    const before = (await api.listSessions()).at(-1)?.id ?? 0;
    const client = await RawClient.login(server.port, 'alice', 'secret');
    // The session has begun before either wait starts.
    const started = await api.nextSession({ since: before, timeoutMs: 5000 });
    expect(started.id).toBe(before + 1);
    expect(started.user).toBe('alice');
    const end = api.sessionEnd(undefined, { since: before, timeoutMs: 5000 });
    await client.command('QUIT');
    const ended = await end;
    expect({ id: ended.id, endReason: ended.endReason }).toEqual({
      id: before + 1,
      endReason: 'quit-update',
    });
    answered.since = { started: started.id - before, commands: ended.commands() };
  });

  // addUser() replaced a logged-in user: the live session's DELE was answered +OK and recorded nowhere.
  test('addUser() of a logged-in user is refused and changes nothing; after QUIT it is accepted', async () => {
    const { api, server } = side;
    const before = await api.mailbox('alice').messages();
    const deletedBefore = (await api.mailbox('alice').deleted()).map((d) => d.uid);
    const client = await RawClient.login(server.port, 'alice', 'secret');
    const live = (await api.listSessions({ user: 'alice' })).at(-1)!;
    const refused = api.addUser('alice', { password: 'other', messages: [FIRST] });
    await expect(refused).rejects.toBeInstanceOf(UserLoggedInError);
    await expect(refused).rejects.toMatchObject({ user: 'alice', sessionId: live.id });
    await expect(refused).rejects.toThrow(`"alice" is logged in (session ${live.id})`);
    expect(await api.mailbox('alice').messages()).toEqual(before);
    // The session's deletion reaches the mailbox the API shows.
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await api.sessionEnd(live.id, { timeoutMs: 5000 });
    expect((await api.mailbox('alice').deleted()).map((d) => d.uid)).toEqual([
      ...deletedBefore,
      before[0]!.uid,
    ]);
    // No session now: replaced.
    const replaced = await api.addUser('alice', { password: 'secret', messages: [FIRST] });
    expect((await replaced.messages()).map((m) => m.size)).toEqual([Buffer.byteLength(FIRST)]);
    expect(await replaced.deleted()).toEqual([]);
    answered.loggedIn = ((await refused.catch((error: Error) => error)) as Error).message.replace(
      /\d+/g,
      'N',
    );
  });

  test('reset() keeps recording a live session: its record restarts with a reset event', async () => {
    const { api, server } = side;
    const client = await RawClient.login(server.port, 'alice', 'secret');
    await client.command('STAT');
    await api.reset();
    const [live] = await api.listSessions();
    expect(live!.restartedAt).toBeInstanceOf(Date);
    expect(live!.events[0]).toMatchObject({ type: 'reset', state: 'TRANSACTION', user: 'alice' });
    expect(live!.commands()).toEqual([]);
    await client.command('NOOP');
    await client.command('QUIT');
    const ended = await api.sessionEnd(live!.id, { timeoutMs: 5000 });
    expect(ended.commands()).toEqual(['NOOP', 'QUIT']);
    expect(await api.listSessions()).toHaveEndedWith('quit-update');
    expect(ended.render({ stable: true, notes: false }).split('\n')[1]).toBe(
      '-- recording restarted by reset() (state TRANSACTION, user alice); earlier events forgotten',
    );
    answered.resetRecord = {
      commands: ended.commands(),
      user: ended.user,
      render: ended.render({ stable: true }),
    };
  });

  test('reset() forgets sessions and run-time rules', async () => {
    const { api } = side;
    await api.use(on('STAT').reply('-ERR no'));
    await api.reset();
    expect(await api.listSessions()).toEqual([]);
    expect(await api.rules()).toEqual([]);
  });
});

/** What each side answered about dropped sessions (keepSessions), compared at the end. */
const retained = new Map<string, Record<string, unknown>>();

describe.each(sides)('%s, keepSessions 1', (name, start) => {
  let side: Side;
  beforeAll(async () => {
    side = await start({ keepSessions: 1, users: { alice: 'secret' } });
  });
  afterAll(() => side.close());

  test('what was dropped, in the list, the export, the transcript, verify and a wait by id', async () => {
    const { api, server } = side;
    expect(api.keepSessions).toBe(1);
    expect(await api.droppedSessions()).toBeUndefined();
    for (const command of ['STAT', 'NOOP']) {
      const client = await RawClient.login(server.port, 'alice', 'secret');
      await client.command(command);
      await client.command('QUIT');
      await client.closed();
    }
    const marker = { sessions: 1, lastId: 1, keep: 1 };
    expect(await api.droppedSessions()).toEqual(marker);
    expect(await api.droppedSessions({ sessionId: 2 })).toBeUndefined();
    expect((await api.listSessions()).map((s) => s.id)).toEqual([2]);
    const exported = await api.exportTranscripts();
    expect(exported.dropped).toEqual(marker);
    const transcript = await api.transcript({ stable: true });
    expect(transcript.split('\n')[0]).toBe(
      '-- 1 ended session was dropped (keepSessions: 1 keeps the newest ended sessions)',
    );
    const times0 = (async () => api.verify('STAT', { times: 0 }))();
    await expect(times0).rejects.toBeInstanceOf(VerificationError);
    const refused = (await times0.catch((error: VerificationError) => error)) as VerificationError;
    expect(await api.verify('NOOP', { times: { atLeast: 1 } })).toBe(1);
    const lookup = await api.sessionEnd(1, { timeoutMs: 1000 }).catch((error: Error) => error);
    expect(lookup).toBeInstanceOf(RangeError);
    retained.set(name, {
      marker: await api.droppedSessions({ user: 'alice' }),
      exported: exported.sessions.map((s) => s.commands),
      transcript,
      refused: refused.message.split('\n')[0],
      lookup: (lookup as Error).message,
    });
  });
});

test('both sides said alike what was dropped', () => {
  const local = retained.get('in process');
  expect(local).toBeDefined();
  expect(retained.get('remote')).toEqual(local);
});

test('both sides answered alike, field by field', () => {
  const local = answers.get('in process');
  const remote = answers.get('remote');
  expect(local).toBeDefined();
  expect(Object.keys(local!).length).toBeGreaterThan(5);
  expect(remote).toEqual(local);
});
