import { connect as tlsConnect } from 'node:tls';
import { type Pop3Mock, rfcDialect } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, BOB_PASSWORD, MESSAGE_1, MESSAGE_3, python, startTranscriptServer } from './setup';

let pop3: Pop3Mock;

afterEach(async () => {
  await pop3?.close();
});

test('a poplib session is recorded command by command, with replies, retrieved and deleted messages', async () => {
  pop3 = await startTranscriptServer();
  const uids = pop3
    .mailbox('alice')
    .messages()
    .map((m) => m.uid);
  const sizes = pop3
    .mailbox('alice')
    .messages()
    .map((m) => m.size);
  await python(
    pop3.port,
    `P.user('alice'); P.pass_(ARGS[0]); P.stat(); P.retr(1); P.dele(1); P.dele(3); P.quit()`,
    ALICE_PASSWORD,
  );
  const session = await pop3.sessionEnd();

  expect(session.id).toBe(1);
  expect(session.user).toBe('alice');
  expect(session.tls).toBe('none');
  expect(session.remoteAddress).toBe('127.0.0.1');
  expect(session.remotePort).toBeGreaterThan(0);
  expect(session.endReason).toBe('quit-update');
  expect(session.endedAt!.getTime()).toBeGreaterThanOrEqual(session.startedAt.getTime());
  expect(session.commands()).toEqual([
    'USER alice',
    'PASS ******',
    'STAT',
    'RETR 1',
    'DELE 1',
    'DELE 3',
    'QUIT',
  ]);
  expect(session.commandEvents().map((c) => c.state)).toEqual([
    'AUTHORIZATION',
    'AUTHORIZATION',
    'TRANSACTION',
    'TRANSACTION',
    'TRANSACTION',
    'TRANSACTION',
    'TRANSACTION',
  ]);
  // Structured values are real: the password can be matched.
  expect(session.commandEvents()[1]!.raw).toBe(`PASS ${ALICE_PASSWORD}`);
  expect(session.authAttempts()).toEqual([
    { user: 'alice', mechanism: 'USER', result: 'ok', at: expect.any(Number) },
  ]);
  expect(session.retrieved).toEqual([{ number: 1, uid: uids[0] }]);
  expect(session.deleted).toEqual([
    { number: 1, uid: uids[0] },
    { number: 3, uid: uids[2] },
  ]);

  // Replies: the greeting first, then one per command; RETR's byte count is the
  // status line, the dot-stuffed data and the terminator.
  const replies = session.replies();
  expect(replies).toHaveLength(8);
  expect(replies.map((r) => r.status)).toEqual(Array(8).fill('+OK'));
  const retr = replies[4]!;
  expect(retr.line).toBe(`+OK ${sizes[0]} octets`);
  const stuffed = Buffer.byteLength(MESSAGE_1) + 1; // one line starts with '.'
  expect(retr.bytes).toBe(Buffer.byteLength(retr.line) + 2 + stuffed + 3);
  expect(replies[1]!.bytes).toBe(Buffer.byteLength(replies[1]!.line) + 2);
});

test('a command is recorded when it arrives, before its reply is sent', async () => {
  pop3 = await startTranscriptServer();
  const seenAtArrival: number[] = [];
  pop3.on('command', (event) => {
    const record = pop3.sessions.find((s) => s.id === event.sessionId)!;
    seenAtArrival.push(record.replies().length);
  });
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await client.multi('RETR 2');
  await client.command('QUIT');
  await pop3.sessionEnd();
  // When command n arrives, only the greeting and the replies to the n-1 before it have gone out.
  expect(seenAtArrival).toEqual([1, 2, 3, 4]);
  const kinds = pop3.sessions[0]!.events.filter((e) => e.type === 'command' || e.type === 'reply').map(
    (e) => e.type,
  );
  expect(kinds).toEqual([
    'reply',
    'command',
    'reply',
    'command',
    'reply',
    'command',
    'reply',
    'command',
    'reply',
  ]);
});

test('a listener, named or for every event, finds the record already holding the event it hears', async () => {
  pop3 = await startTranscriptServer();
  const named: string[] = [];
  const all: string[] = [];
  const recordOf = (id: number) => pop3.sessions.find((s) => s.id === id)!;
  pop3.on('command', (event) => named.push(recordOf(event.sessionId).commandEvents().at(-1)!.raw));
  pop3.on('session-end', (event) => named.push(`ended: ${recordOf(event.sessionId).ended}`));
  pop3.on('*', (event) => {
    if (event.type === 'reply') all.push(recordOf(event.sessionId).replies().at(-1)!.line);
  });
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await client.command('NOOP');
  await client.command('QUIT');
  await pop3.sessionEnd();
  expect(named).toEqual(['USER alice', `PASS ${ALICE_PASSWORD}`, 'NOOP', 'QUIT', 'ended: true']);
  expect(all).toEqual(pop3.sessions[0]!.replies().map((r) => r.line));
  expect(all).toHaveLength(5);
});

test('how a session ended: QUIT in AUTHORIZATION, client closed, server closed, autologout', async () => {
  pop3 = await startTranscriptServer({
    autologoutMs: 150,
    dialect: { ...rfcDialect, maxBadCommands: { AUTHORIZATION: 2 } },
  });
  const quitEarly = await RawClient.connect(pop3.port);
  await quitEarly.command('QUIT');
  const first = await pop3.sessionEnd();

  const dropped = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await dropped.command('DELE 1');
  dropped.destroy();
  const second = await pop3.sessionEnd(pop3.sessions[1]);

  const rude = await RawClient.connect(pop3.port);
  await rude.command('BOGUS');
  rude.write('BOGUS\r\n');
  await rude.closed();
  const third = await pop3.sessionEnd(pop3.sessions[2]);

  const started = Date.now();
  const idle = await RawClient.connect(pop3.port);
  await idle.closed();
  const fourth = await pop3.sessionEnd(pop3.sessions[3]);

  expect([first, second, third, fourth].map((s) => s.endReason)).toEqual([
    'quit-authorization',
    'client-closed',
    'server-closed',
    'autologout',
  ]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  // DELE without UPDATE deletes nothing.
  expect(second.deleted).toEqual([]);
  expect(pop3.mailbox('alice').messages()).toHaveLength(3);
});

test('TLS: implicit (POP3S) and STLS sessions record how they were protected', async () => {
  pop3 = await startTranscriptServer({ tlsPort: 0 });
  const ca = pop3.tls.ca;

  const implicit = tlsConnect({ host: '127.0.0.1', port: pop3.tlsPort!, ca, servername: 'localhost' });
  implicit.on('data', (chunk: Buffer) => {
    if (chunk.toString().startsWith('+OK pop3-mock ready')) implicit.write('QUIT\r\n');
  });
  const first = await pop3.sessionEnd(await pop3.nextSession());

  const plain = await RawClient.connect(pop3.port);
  expect(await plain.command('STLS')).toMatch(/^\+OK/);
  const secured = tlsConnect({ socket: plain.socket, ca, servername: 'localhost' });
  await new Promise<void>((resolve) => secured.once('secureConnect', () => resolve()));
  secured.write('NOOP\r\nQUIT\r\n');
  const second = await pop3.sessionEnd(pop3.sessions[1]);

  expect(first.tls).toBe('implicit');
  expect(first.events.filter((e) => e.type === 'tls')).toEqual([
    expect.objectContaining({ mode: 'implicit' }),
  ]);
  expect(first.endReason).toBe('quit-authorization');
  expect(second.tls).toBe('stls');
  expect(second.commands()).toEqual(['STLS', 'NOOP', 'QUIT']);
  expect(second.render()).toContain('-- TLS established (STLS)');
  implicit.destroy();
  secured.destroy();
});

test('outcome per user: what is left, what UPDATE removed (with session and number), what was retrieved', async () => {
  pop3 = await startTranscriptServer();
  const before = pop3.mailbox('alice').messages();
  const client = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await client.multi('RETR 3');
  await client.command('DELE 1');
  await client.command('QUIT');
  await pop3.sessionEnd();

  const outcome = pop3.outcome('alice');
  expect(outcome.user).toBe('alice');
  expect(outcome.remaining).toEqual([
    { number: 1, uid: before[1]!.uid, size: before[1]!.size },
    { number: 2, uid: before[2]!.uid, size: Buffer.byteLength(MESSAGE_3) },
  ]);
  expect(outcome.deleted).toEqual([
    { uid: before[0]!.uid, size: before[0]!.size, sessionId: 1, number: 1, deletedAt: expect.any(Date) },
  ]);
  expect(outcome.retrieved).toEqual([{ sessionId: 1, number: 3, uid: before[2]!.uid }]);
  expect(pop3.outcome('bob')).toEqual({
    user: 'bob',
    remaining: [expect.objectContaining({ number: 1 })],
    deleted: [],
    retrieved: [],
  });
  expect(() => pop3.outcome('nobody')).toThrow(/no user "nobody"/);
});

test('queries: commands across sessions and by user', async () => {
  pop3 = await startTranscriptServer();
  const a = await RawClient.login(pop3.port, 'alice', ALICE_PASSWORD);
  await a.command('STAT');
  await a.command('QUIT');
  await pop3.sessionEnd();
  await python(pop3.port, `P.user('bob'); P.pass_(ARGS[0]); P.list(); P.quit()`, BOB_PASSWORD);
  await pop3.sessionEnd(pop3.sessions[1]);

  expect(pop3.commands()).toEqual([
    'USER alice',
    'PASS ******',
    'STAT',
    'QUIT',
    'USER bob',
    'PASS ******',
    'LIST',
    'QUIT',
  ]);
  expect(pop3.commands({ user: 'bob' })).toEqual(['USER bob', 'PASS ******', 'LIST', 'QUIT']);
  expect(pop3.commands({ sessionId: 1 })).toEqual(['USER alice', 'PASS ******', 'STAT', 'QUIT']);
  expect(pop3.sessions.map((s) => s.user)).toEqual(['alice', 'bob']);
});
