import { type Pop3Mock, WaitCancelledError, WaitTimeoutError } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, startTranscriptServer } from './setup';

let pop3: Pop3Mock;

beforeEach(async () => {
  pop3 = await startTranscriptServer();
});

afterEach(async () => {
  await pop3.close();
});

test('nextSession resolves with the record of the client that connects next', async () => {
  const next = pop3.nextSession();
  const client = await RawClient.connect(pop3.port);
  const session = await next;
  expect(session.id).toBe(1);
  expect(session.remotePort).toBe(client.socket.localPort);
  expect(session.ended).toBe(false);
  client.destroy();
});

test('sessionEnd resolves when the session ends, or at once when it has', async () => {
  const next = pop3.nextSession();
  const client = await RawClient.connect(pop3.port);
  const session = await next;
  expect(session.ended).toBe(false);
  const ending = pop3.sessionEnd(session);
  await client.command('QUIT');
  expect((await ending).endReason).toBe('quit-authorization');
  expect(await pop3.sessionEnd(session)).toBe(session);
});

test('waitForCommand resolves on arrival, with the session, position, state and real arguments', async () => {
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  const waiting = pop3.waitForCommand('DELE *');
  client.write('NOOP\r\nDELE 2\r\n');
  const command = await waiting;
  expect(command).toMatchObject({
    sessionId: 1,
    index: 4,
    verb: 'DELE',
    args: ['2'],
    raw: 'DELE 2',
    state: 'TRANSACTION',
    user: 'alice',
  });
  client.destroy();
});

test('a listener that resets while hearing a command: the restarted record holds that command, and waits see it', async () => {
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  pop3.on('command', (event) => {
    if (event.verb === 'NOOP') void pop3.reset();
  });
  const seenAfter: string[] = [];
  pop3.on('command', (event) => {
    const record = pop3.sessions.find((s) => s.id === event.sessionId)!;
    seenAfter.push(record.commandEvents().at(-1)?.raw ?? 'none');
  });
  const waiting = pop3.waitForCommand('NOOP');
  await client.command('NOOP');
  await expect(waiting).resolves.toMatchObject({ verb: 'NOOP', index: 1, user: 'alice' });
  const record = pop3.sessions[0]!;
  expect(record.restartedAt).toBeInstanceOf(Date);
  expect(record.events.slice(0, 3).map((e) => e.type)).toEqual(['reset', 'command', 'reply']);
  expect(record.commands()).toEqual(['NOOP']);
  expect(seenAfter).toEqual(['NOOP']);
  client.destroy();
});

test('waitForCommand looks only ahead unless includePast; the timeout says it had come before', async () => {
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await client.command('STAT');
  await expect(pop3.waitForCommand('stat', { includePast: true })).resolves.toMatchObject({ index: 3 });
  const error = (await pop3.waitForCommand('STAT', { timeoutMs: 100 }).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(WaitTimeoutError);
  expect(error.message).toBe(
    [
      'pop3-mock: timed out after 100 ms waiting for the command "STAT"; saw meanwhile:',
      '  nothing',
      'It had been received before the wait began (pass { includePast: true } to accept that):',
      `  session 1 #3 in TRANSACTION: STAT  -> ${pop3.sessions[0]!.replies()[3]!.line}`,
    ].join('\n'),
  );
  client.destroy();
});

test('waitForCommand with a user ignores other users', async () => {
  const waiting = pop3.waitForCommand('NOOP', { user: 'bob' });
  const alice = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await alice.command('NOOP');
  const bob = await RawClient.login(pop3.port, 'bob', 'c0rrect-b4ttery-staple');
  await bob.command('NOOP');
  expect(await waiting).toMatchObject({ sessionId: 2, user: 'bob' });
  alice.destroy();
  bob.destroy();
});

test('waitForCommand with a user takes a command sent before login (USER, PASS) once that session logs in as the user', async () => {
  const bobPass = pop3.waitForCommand('PASS *', { user: 'bob', timeoutMs: 5000 });
  const aliceUser = pop3.waitForCommand('USER alice', { user: 'alice', timeoutMs: 5000 });
  // alice's PASS is no PASS of bob's: it must not resolve bob's wait.
  const alice = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  expect(await aliceUser).toMatchObject({ verb: 'USER', args: ['alice'], sessionId: 1, index: 1 });
  const bob = await RawClient.connect(pop3.port);
  expect(await bob.command('USER bob')).toMatch(/^\+OK/);
  expect(await bob.command('PASS wrong')).toMatch(/^-ERR/);
  expect(await bob.command('USER bob')).toMatch(/^\+OK/);
  expect(await bob.command('PASS c0rrect-b4ttery-staple')).toMatch(/^\+OK/);
  // The session logged in as bob: its first PASS is the first that matched, as verify() counts them.
  expect(await bobPass).toMatchObject({ verb: 'PASS', sessionId: 2, index: 2 });
  expect(pop3.verify('PASS *', { user: 'bob' })).toBe(2);
  alice.destroy();
  bob.destroy();
});

test('waitFor takes any predicate over events', async () => {
  const waiting = pop3.waitFor((e) => e.type === 'auth' && e.result === 'failed');
  const client = await RawClient.connect(pop3.port);
  await client.command('USER alice');
  await client.command('PASS wrong');
  expect(await waiting).toMatchObject({ type: 'auth', user: 'alice', mechanism: 'USER', result: 'failed' });
  client.destroy();
});

test('timeouts say what was seen instead: the state of the session waited on', async () => {
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await client.command('NOOP');
  const error = (await pop3.sessionEnd(undefined, { timeoutMs: 80 }).catch((e: unknown) => e)) as Error;
  expect(error.message).toBe(
    [
      'pop3-mock: timed out after 80 ms waiting for the end of session 1; saw meanwhile:',
      '  nothing',
      'Session 1 is still open in TRANSACTION; last command session 1 #3 in TRANSACTION: NOOP  -> +OK.',
    ].join('\n'),
  );
  const next = (await pop3.nextSession({ timeoutMs: 50 }).catch((e: unknown) => e)) as Error;
  expect(next.message).toContain('waiting for a new session; saw meanwhile:\n  nothing\n');
  expect(next.message).toContain(
    '1 session(s) had started before; the last, session 1, is open in TRANSACTION.',
  );
  client.destroy();
});

test('close() ends pending waits at once with a WaitCancelledError', async () => {
  const waiting = pop3.waitForCommand('RETR 1', { timeoutMs: 60_000 });
  const started = Date.now();
  await pop3.close();
  const error = (await waiting.catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(WaitCancelledError);
  expect(error.message).toMatch(/^pop3-mock: the server was closed while waiting for the command "RETR 1"/);
  expect(Date.now() - started).toBeLessThan(5000);
});

test('a wait begun after close() is a WaitCancelledError at once, not a wait of its time for what cannot come', async () => {
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await client.command('QUIT');
  await pop3.close();
  for (const wait of [
    () => pop3.waitForCommand('STAT', { timeoutMs: 200 }),
    () => pop3.nextSession({ timeoutMs: 200 }),
    () => pop3.waitFor(() => true, { timeoutMs: 200 }),
  ]) {
    const error = (await wait().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(WaitCancelledError);
    expect(error.message).toMatch(
      /^pop3-mock: the server was closed before waiting for .*: nothing more can come$/,
    );
  }
  // The records stay readable.
  expect(pop3.sessions).toHaveLength(1);
});

test('a session that ends during close() still resolves its sessionEnd wait', async () => {
  const next = pop3.nextSession();
  const client = await RawClient.connect(pop3.port);
  const ending = pop3.sessionEnd(await next);
  await pop3.close();
  expect((await ending).endReason).toBe('server-closed');
  await client.closed();
});
