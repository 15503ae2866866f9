import {
  type BuiltRule,
  connection,
  connectPop3Mock,
  InputError,
  on,
  type Pop3Mock,
  type Pop3MockApi,
  type RemotePop3Mock,
  startPop3Mock,
} from '../../../src';
import { createIsolatedUser } from '../../../src/testing/isolated-user';
import { RawClient } from '../../helpers/raw-client';

// Two "workers" on one shared server, each through its own control client,
// as jest workers are after the global setup.

let pop3: Pop3Mock;
let workerA: RemotePop3Mock;
let workerB: RemotePop3Mock;

beforeEach(async () => {
  pop3 = await startPop3Mock({ control: true });
  const address = { url: pop3.controlUrl, token: pop3.controlToken };
  [workerA, workerB] = await Promise.all([connectPop3Mock(address), connectPop3Mock(address)]);
});

afterEach(async () => {
  await pop3.close();
});

const message = (subject: string) => `Subject: ${subject}\r\n\r\n${subject} body\r\n`;

async function fetchAll(user: string, password: string): Promise<string[]> {
  const client = await RawClient.login(pop3.port, user, password);
  const stat = await client.command('STAT');
  const count = Number(stat.split(' ')[1]);
  const bodies: string[] = [];
  for (let n = 1; n <= count; n++) bodies.push((await client.multi(`RETR ${n}`)).data.toString());
  await client.command('QUIT');
  return bodies;
}

test('each user gets fresh random credentials and sees only its own mail', async () => {
  const [a, b] = await Promise.all([
    createIsolatedUser(workerA, { messages: [message('for a')] }),
    createIsolatedUser(workerB, { messages: [message('for b 1'), message('for b 2')] }),
  ]);
  expect(a.user).not.toBe(b.user);
  expect(a.password).not.toBe(b.password);
  expect(a.user).toMatch(/^w\d+-[0-9a-f]{12}$/);
  expect(a.password).toMatch(/^[0-9a-f]{24}$/);
  const [mailA, mailB] = await Promise.all([fetchAll(a.user, a.password), fetchAll(b.user, b.password)]);
  expect(mailA).toEqual([message('for a')]);
  expect(mailB).toEqual([message('for b 1'), message('for b 2')]);
  // A password is not shared: each user's own only.
  await expect(RawClient.login(pop3.port, a.user, b.password)).rejects.toThrow(/login failed/);
});

test('faults, transcripts, commands and verify are scoped to the user', async () => {
  const a = await createIsolatedUser(workerA, { messages: [message('a')], prefix: 'alpha' });
  const b = await createIsolatedUser(workerB, { messages: [message('b')], prefix: 'beta' });
  expect(a.user.startsWith('alpha-')).toBe(true);
  await a.use(on('RETR').once().reply('-ERR [SYS/TEMP] a only'));

  // b is not hit by a's fault, even though b retrieves first.
  expect(await fetchAll(b.user, b.password)).toEqual([message('b')]);
  const client = await RawClient.login(pop3.port, a.user, a.password);
  expect((await client.multi('RETR 1')).status).toBe('-ERR [SYS/TEMP] a only');
  expect((await client.multi('RETR 1')).data.toString()).toBe(message('a'));
  await client.command('QUIT');

  const ended = await a.sessionEnd();
  expect(ended.endReason).toBe('quit-update');
  expect(await a.commands()).toEqual([`USER ${a.user}`, 'PASS ******', 'RETR 1', 'RETR 1', 'QUIT']);
  expect(await b.commands()).toEqual([`USER ${b.user}`, 'PASS ******', 'STAT', 'RETR 1', 'QUIT']);
  await a.verify('RETR 1', { times: 2 });
  await b.verify('RETR 1', { times: 1 });
  await expect(b.verify('DELE 1')).rejects.toThrow(/DELE 1/);
  const transcript = await a.transcript();
  expect(transcript).toContain('S: -ERR [SYS/TEMP] a only');
  expect(transcript).not.toContain(b.user);
  expect(transcript).not.toContain(a.password);
});

test('reset() restores only its own mailbox and removes only its own rules; remove() drops the user', async () => {
  const a = await createIsolatedUser(workerA, { messages: [message('a1'), message('a2')] });
  const b = await createIsolatedUser(workerB, { messages: [message('b1')] });
  await a.use(on('LIST').reply('-ERR a fault'));
  await b.use(on('LIST').reply('-ERR b fault'));
  for (const user of [a, b]) {
    const client = await RawClient.login(pop3.port, user.user, user.password);
    await client.command('DELE 1');
    await client.command('QUIT');
  }
  await a.deliver(message('a3'));

  await a.reset();
  expect(await fetchAll(a.user, a.password)).toEqual([message('a1'), message('a2')]);
  expect(pop3.mailbox(b.user).messages()).toHaveLength(0);
  expect(pop3.rules().map((r) => r.rule.action)).toEqual([{ type: 'reply', lines: ['-ERR b fault'] }]);

  await b.remove();
  expect(pop3.users()).toEqual([a.user]);
  expect(pop3.rules()).toEqual([]);
  // Removing twice is harmless (e.g. an afterAll after an explicit remove()).
  await b.remove();
});

test('remove() while the client is still logging out waits for its session to end, then removes the user; one that stays logged in is refused after the wait', async () => {
  const mine = await createIsolatedUser(workerA, { messages: [message('m1')] });
  // A QUIT held by a server-wide rule (remove() takes away only its own): the session stays logged in meanwhile.
  await workerB.use(on('QUIT').delay(300));
  const leaving = await RawClient.login(pop3.port, mine.user, mine.password);
  leaving.write('QUIT\r\n');
  await pop3.waitForCommand('QUIT');
  await mine.remove();
  expect(pop3.users()).toEqual([]);
  expect(pop3.sessions[0]!.endReason).toBe('quit-update');

  const staying = await createIsolatedUser(workerA);
  const client = await RawClient.login(pop3.port, staying.user, staying.password);
  const started = performance.now();
  await expect(staying.remove()).rejects.toThrow(/is logged in \(session 2\)/);
  expect(performance.now() - started).toBeGreaterThanOrEqual(1_000 - 5);
  expect(pop3.users()).toEqual([staying.user]);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await pop3.sessionEnd(2);
  await staying.remove();
  expect(pop3.users()).toEqual([]);
});

test('remove() against a client that keeps logging in (lock none: a new session before each QUIT) waits for ten sessions in turn, then refuses', async () => {
  await pop3.close();
  pop3 = await startPop3Mock({ control: true, lock: 'none' });
  workerA = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  const polled = await createIsolatedUser(workerA);
  // Each QUIT is held a moment: the session is still logged in when remove() looks.
  await pop3.use(on('QUIT').delay(20));
  let settled = false;
  let sessions = 0;
  const poll = (async () => {
    let previous = await RawClient.login(pop3.port, polled.user, polled.password);
    sessions++;
    while (!settled) {
      // The next session logs in before the previous one leaves: the user is never free.
      const next = await RawClient.login(pop3.port, polled.user, polled.password);
      sessions++;
      expect(await previous.command('QUIT')).toMatch(/^\+OK/);
      previous = next;
    }
    await previous.command('QUIT');
  })();
  // remove() starts while the first session is logged in.
  while (sessions === 0) await new Promise((resolve) => setImmediate(resolve));
  const outcome = await polled.remove().then(
    () => 'removed',
    (error: unknown) => error,
  );
  settled = true;
  await poll;
  expect(outcome).toMatchObject({
    name: 'UserLoggedInError',
    message: expect.stringMatching(/remove\(\) waited for 10 sessions of the user to end, one after another/),
  });
  expect(pop3.users()).toEqual([polled.user]);
  expect(sessions).toBeGreaterThan(10);
});

test("it takes either side of the one interface: the remote client typed as Pop3MockApi<'remote'>, or the server itself", async () => {
  const typedRemote: Pop3MockApi<'remote'> = workerA;
  const viaInterface = await createIsolatedUser(typedRemote, { messages: [message('r1')] });
  const inProcess = await createIsolatedUser(pop3, { messages: [message('p1')] });
  expect(await fetchAll(viaInterface.user, viaInterface.password)).toEqual([message('r1')]);
  expect(await fetchAll(inProcess.user, inProcess.password)).toEqual([message('p1')]);
  expect(await inProcess.verify('RETR 1', { times: 1 })).toBe(1);
  expect(await inProcess.commands()).toEqual([
    `USER ${inProcess.user}`,
    'PASS ******',
    'STAT',
    'RETR 1',
    'QUIT',
  ]);
  await Promise.all([viaInterface.remove(), inProcess.remove()]);
  expect(pop3.users()).toEqual([]);
});

test('connection faults and rules for another user cannot be scoped to one user and are refused', async () => {
  const a = await createIsolatedUser(workerA);
  await expect(a.use(connection().close())).rejects.toThrow(/acts on connections, before any login/);
  await expect(a.use(on('RETR').onConnection(2).close())).rejects.toThrow(/cannot be limited to user/);
  // A rule for another user would have become one for this user.
  await expect(a.use(on('STAT').forUser('bob').reply('-ERR x'))).rejects.toMatchObject({
    name: 'InputError',
    path: 'rules[0].user',
  });
  expect(pop3.rules()).toEqual([]);
  await a.use(on('STAT').forUser(a.user).reply('-ERR x'));
  expect(pop3.rules().map((s) => s.rule.user)).toEqual([a.user]);
});

// The options were spread beside the user: `a.verify('RETR 1', 5)` verified "at least once" and
// passed, where the server's verify() refuses the 5; `{ user: 'bob' }` read a's sessions instead.
test("verify()'s options: what the server's verify() refuses is refused, and no other user's sessions", async () => {
  const a = await createIsolatedUser(workerA, { messages: [message('a')] });
  await fetchAll(a.user, a.password);
  await a.sessionEnd();
  for (const options of [5, null, 'twice']) {
    const refused = await a.verify('RETR 1', options as never).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'InputError', path: 'options' });
    // In the server's words.
    expect(() => pop3.verify('RETR 1', options as never)).toThrow((refused as Error).message);
  }
  await expect(a.verify('RETR 1', { user: 'bob' } as never)).rejects.toMatchObject({
    name: 'InputError',
    path: 'options.user',
    message: `verify(): options.user: expected no user or ${a.user}: an isolated user verifies only its own sessions, not "bob"'s`,
  });
  expect(await a.verify('RETR 1', { user: a.user, times: 1 } as never)).toBe(1);
  expect(await a.verify('RETR 1')).toBe(1);
});

// sessionEnd() picks the session itself: its options went on to the server's sessionEnd() or
// waitFor(), so `{ since: 1 }` was refused in words about a session the test never gave, or not
// at all, depending on whether the user had a session yet.
test("sessionEnd()'s options: only timeoutMs, refused in one way whether the user has a session yet or not", async () => {
  const a = await createIsolatedUser(workerA, { messages: [message('a')] });
  const refusal = async () =>
    a.sessionEnd({ since: 1, timeoutMs: 50 } as never).catch((error: unknown) => error);
  const before = await refusal();
  // In the words the server's own waits use for a key they do not take.
  expect(before).toBeInstanceOf(InputError);
  await expect(pop3.waitFor(() => true, { since: 1 } as never)).rejects.toThrow(
    (before as Error).message.replace('sessionEnd()', 'waitFor()'),
  );
  await fetchAll(a.user, a.password);
  expect((await a.sessionEnd({ timeoutMs: 5000 })).user).toBe(a.user);
  expect(await refusal()).toMatchObject({ name: 'InputError', message: (before as Error).message });
});

// Scoped to the user, a rule that acts only before login on lines that name no user never fired:
// `a.use(on('STLS').failHandshake())` resolved, and STLS after `USER a` got its TLS.
test('a rule acting before login on lines that name no user cannot be scoped to one user and is refused', async () => {
  const a = await createIsolatedUser(workerA);
  const scoped = 'the rules of an isolated user fire only in its sessions: use a server of its own';
  const rules: [BuiltRule, string][] = [
    [on('STLS').failHandshake(), 'STLS'],
    [on('QUIT').inState('AUTHORIZATION').reply('-ERR x'), 'QUIT'],
  ];
  for (const [rule, verb] of rules) {
    const refused = await a.use(on('NOOP').reply('-ERR first'), rule).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'InputError', path: 'rules[1].user' });
    expect((refused as Error).message).toContain(`before login: this one acts only on ${verb} there`);
    expect((refused as Error).message).toContain(scoped);
  }
  expect(pop3.rules()).toEqual([]);
  // On the wire, STLS after USER starts TLS: no rule for the user could have failed it.
  const client = await RawClient.connect(pop3.port);
  expect(await client.command(`USER ${a.user}`)).toMatch(/^\+OK/);
  expect(await client.command('STLS')).toMatch(/^\+OK/);
  client.destroy();
  // Given for the user itself, the refusal is the server's alone; PASS names the user, and is taken.
  await expect(a.use(on('QUIT').forUser(a.user).inState('AUTHORIZATION').reply('-ERR x'))).rejects.toThrow(
    /could never fire$/,
  );
  await a.use(on('PASS').inState('AUTHORIZATION').reply('-ERR [SYS/TEMP] later'));
  expect(pop3.rules().map((s) => s.rule.user)).toEqual([a.user]);
});

test('sessionEnd() before the first login waits for that session to log in and end; with none, a WaitTimeoutError', async () => {
  const a = await createIsolatedUser(workerA, { messages: [message('a1')] });
  await expect(a.sessionEnd({ timeoutMs: 50 })).rejects.toMatchObject({ name: 'WaitTimeoutError' });
  const ended = a.sessionEnd({ timeoutMs: 5000 });
  const fetched = fetchAll(a.user, a.password);
  const record = await ended;
  expect(record).toMatchObject({ user: a.user, endReason: 'quit-update' });
  expect(await fetched).toEqual([message('a1')]);
});

test('sessionEnd() before the first login takes a session refused as the user, as sessions() lists it', async () => {
  const a = await createIsolatedUser(workerA);
  const ended = a.sessionEnd({ timeoutMs: 5000 });
  const client = await RawClient.connect(pop3.port);
  await client.command(`USER ${a.user}`);
  expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
  await client.command('QUIT');
  const record = await ended;
  expect(record).toMatchObject({ id: 1, user: undefined, endReason: 'quit-authorization' });
  expect((await a.sessions()).map((s) => s.id)).toEqual([1]);
});
