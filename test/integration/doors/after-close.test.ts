import {
  ControlError,
  connectPop3Mock,
  on,
  type Pop3Mock,
  ServerClosedError,
  startPop3Mock,
  WaitCancelledError,
} from '../../../src';
import { RawClient } from '../../helpers/raw-client';

/*
 * A closed server takes no more changes: each call that would change it
 * (users, mail, faults, listeners, reset) throws a ServerClosedError naming
 * the call, where it used to succeed in silence (a test believed it had
 * injected a fault or added mail on a server that was gone). What was
 * recorded stays readable: tests assert on transcripts after closing.
 */

const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';

/** A server that served one session of alice (RETR 1, QUIT) and was closed. */
async function closedAfterASession(): Promise<Pop3Mock> {
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
  await pop3.use(on('LIST').once().reply('-ERR not now'));
  const client = await RawClient.login(pop3.port, 'alice', 'secret');
  expect((await client.multi('RETR 1')).status).toMatch(/^\+OK/);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
  await pop3.sessionEnd(undefined, { timeoutMs: 5000 });
  await pop3.close();
  return pop3;
}

const changes: [string, (pop3: Pop3Mock) => unknown][] = [
  ['use', (pop3) => pop3.use(on('RETR').reply('-ERR gone'))],
  ['addUser', (pop3) => pop3.addUser('bob', 'pw')],
  ['removeUser', (pop3) => pop3.removeUser('alice')],
  ['deliver', (pop3) => pop3.deliver('alice', MESSAGE)],
  ['reset', (pop3) => pop3.reset()],
  ['removeRule', (pop3) => pop3.removeRule(pop3.rules()[0]!.rule.id!)],
  ['on', (pop3) => pop3.on('session-start', () => {})],
  ['mailbox().reset', (pop3) => pop3.mailbox('alice').reset()],
  ['mailbox().deliver', (pop3) => pop3.mailbox('alice').deliver(MESSAGE)],
];

describe('after close()', () => {
  test.each(changes)('%s() throws a ServerClosedError naming it, and changes nothing', async (call, make) => {
    const pop3 = await closedAfterASession();
    const before = {
      users: pop3.users(),
      messages: pop3.mailbox('alice').messages().length,
      rules: pop3.rules().length,
      sessions: pop3.listSessions().length,
    };
    let thrown: unknown;
    try {
      await make(pop3);
    } catch (error) {
      thrown = error;
    }
    const name = call.replace(/^mailbox\(\)\./, '');
    // The message first: without the refusal, what was thrown (nothing) shows.
    expect((thrown as Error | undefined)?.message).toBe(
      `pop3-mock: ${name}(): the server was closed; a closed server takes no more changes (its records stay readable)`,
    );
    expect(thrown).toBeInstanceOf(ServerClosedError);
    expect(thrown).toMatchObject({ call: name });
    expect({
      users: pop3.users(),
      messages: pop3.mailbox('alice').messages().length,
      rules: pop3.rules().length,
      sessions: pop3.listSessions().length,
    }).toEqual(before);
  });

  test('a change begun before close() and loading its messages when the server closes is refused too', async () => {
    const pop3 = await startPop3Mock({ users: { alice: 'secret' } });
    // The messages load in a later turn; close() has run by then.
    const adding = pop3.addUser('bob', { password: 'pw', messages: [MESSAGE] });
    const delivering = pop3.deliver('alice', MESSAGE);
    const closing = pop3.close();
    await expect(adding).rejects.toThrow('pop3-mock: addUser(): the server was closed');
    await expect(delivering).rejects.toThrow('pop3-mock: deliver(): the server was closed');
    await expect(adding).rejects.toBeInstanceOf(ServerClosedError);
    await expect(delivering).rejects.toBeInstanceOf(ServerClosedError);
    await closing;
    expect(pop3.users()).toEqual(['alice']);
    expect(pop3.mailbox('alice').messages()).toEqual([]);
  });

  test('what was recorded stays readable, and a wait for what can no longer come is cancelled', async () => {
    const pop3 = await closedAfterASession();
    expect(pop3.users()).toEqual(['alice']);
    expect(pop3.mailbox('alice').messages()).toHaveLength(1);
    expect(pop3.mailbox('alice').raw(1).toString()).toBe(MESSAGE);
    expect(pop3.outcome('alice').retrieved).toEqual([expect.objectContaining({ number: 1 })]);
    expect(pop3.rules()).toHaveLength(1);
    expect(pop3.pendingRules()).toHaveLength(1);
    expect(pop3.commands()).toEqual(['USER alice', 'PASS ******', 'RETR 1', 'QUIT']);
    expect(pop3.verify('RETR 1')).toBe(1);
    expect(pop3.transcript()).toContain('C: RETR 1');
    expect(pop3.exportTranscripts().sessions).toHaveLength(1);
    expect(pop3.listSessions()).toHaveLength(1);
    expect(pop3.droppedSessions()).toBeUndefined();
    expect((await pop3.sessionEnd(1)).endReason).toBe('quit-update');
    await expect(pop3.nextSession({ timeoutMs: 5000 })).rejects.toBeInstanceOf(WaitCancelledError);
    // A second close() is the same close.
    await expect(pop3.close()).resolves.toBeUndefined();
  });

  test('remotely, a change that reaches the control API while the server closes is a ServerClosedError too (410)', async () => {
    // Sent on the connection kept from connecting, in the turn close() begins: the control API
    // closes last, after the live session's socket has closed (a later turn), so it mostly answers
    // first. Mostly: which comes first is the event loop's, so a lost race (the control API gone,
    // a ControlError with status 0) is tried again; without the 410 no attempt can pass.
    let refused: unknown;
    for (let attempt = 0; attempt < 5 && !(refused instanceof ServerClosedError); attempt++) {
      const pop3 = await startPop3Mock({ control: true, users: { alice: 'secret' } });
      const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
      const client = await RawClient.login(pop3.port, 'alice', 'secret');
      const adding = remote.addUser('bob', 'pw');
      const closing = pop3.close();
      refused = await adding.catch((error: unknown) => error);
      if (!(refused instanceof ServerClosedError)) expect(refused).toMatchObject({ status: 0 });
      await closing;
      await client.closed();
      expect(pop3.users()).toEqual(['alice']);
      await remote.close();
    }
    expect((refused as Error | undefined)?.message).toBe(
      'pop3-mock: addUser(): the server was closed; a closed server takes no more changes (its records stay readable)',
    );
    expect(refused).toBeInstanceOf(ServerClosedError);
    expect(refused).toMatchObject({ call: 'addUser' });
  });

  test('remotely, a call to a server that was closed rejects, naming the control API it could not reach', async () => {
    const pop3 = await startPop3Mock({ control: true, users: { alice: 'secret' } });
    const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
    await pop3.close();
    for (const call of [
      () => remote.use(on('RETR').reply('-ERR gone')),
      () => remote.addUser('bob', 'pw'),
      () => remote.deliver('alice', MESSAGE),
      () => remote.reset(),
    ]) {
      const refused = call();
      await expect(refused).rejects.toBeInstanceOf(ControlError);
      await expect(refused).rejects.toMatchObject({ status: 0 });
      await expect(refused).rejects.toThrow(`${pop3.controlUrl}`);
    }
    await remote.close();
  });
});
