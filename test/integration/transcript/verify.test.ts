import type { Pop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { verificationError } from '../../helpers/verification';
import { ALICE_PASSWORD, BOB_PASSWORD, python, startTranscriptServer } from './setup';

let pop3: Pop3Mock;

beforeAll(async () => {
  pop3 = await startTranscriptServer();
  // alice reads messages 1 and 3 with poplib and deletes 3; bob asks for a message he does not have.
  await python(
    pop3.port,
    `P.user('alice'); P.pass_(ARGS[0]); P.retr(1); P.retr(3); P.dele(3); P.quit()`,
    ALICE_PASSWORD,
  );
  await pop3.sessionEnd(pop3.sessions[0]);
  const bob = await RawClient.login(pop3.port, 'bob', BOB_PASSWORD);
  await bob.command('RETR 4');
  bob.destroy();
  await pop3.sessionEnd(pop3.sessions[1]);
});

afterAll(async () => {
  await pop3.close();
});

test('verify passes for what the clients did: patterns, counts and filters', () => {
  pop3.verify('RETR 1');
  pop3.verify('retr 3', { user: 'alice', times: 1 });
  pop3.verify('RETR *', { times: 3 });
  pop3.verify('RETR *', { times: { atLeast: 2, atMost: 3 } });
  pop3.verify(/^DELE \d+$/, { sessionId: 1 });
  pop3.verify('DELE *', { user: 'bob', times: 0 });
  pop3.verify((c) => c.verb === 'RETR' && c.reply!.startsWith('-ERR'), { times: 1 });
  pop3.verify(`PASS ${ALICE_PASSWORD}`);
});

test('a command never received: the closest commands, same verb first, with state and reply', () => {
  const error = verificationError(() => pop3.verify('RETR 2', { user: 'alice' }));
  const sizes = pop3
    .mailbox('alice')
    .messages()
    .map((m) => m.size);
  expect(error.count).toBe(0);
  expect(error.message.split('\n').slice(0, 6)).toEqual([
    'pop3-mock: expected the command "RETR 2" to be received at least once, but it was received 0 times.',
    'Sessions looked at (user "alice"): 1 (alice).',
    'Closest commands received:',
    // Equally close: the most recent first. Message 3 is gone since UPDATE.
    `  session 1 #4 in TRANSACTION: RETR 3  -> +OK ${pop3.outcome('alice').deleted[0]!.size} octets  (same verb, distance 1)`,
    `  session 1 #3 in TRANSACTION: RETR 1  -> +OK ${sizes[0]} octets  (same verb, distance 1)`,
    '  session 1 #5 in TRANSACTION: DELE 3  -> +OK message 3 deleted  (distance 4)',
  ]);
  expect(error.nearMisses[0]).toContain('RETR 3');
  expect(error.message).toContain('Transcript:\n  # session 1 (alice)');
});

test('the state a near miss arrived in is shown: a command in the wrong state', () => {
  const error = verificationError(() => pop3.verify('STAT', { sessionId: 2 }));
  expect(error.message).toContain('Sessions looked at (session 2): 2 (bob).');
  expect(error.message).toContain(
    '  session 2 #3 in TRANSACTION: RETR 4  -> -ERR no such message 4, only 1 messages in maildrop',
  );
});

test('the wrong count: the matching commands are listed', () => {
  const error = verificationError(() => pop3.verify('RETR *', { times: 1 }));
  expect(error.count).toBe(3);
  expect(error.message.split('\n')[0]).toBe(
    'pop3-mock: expected the command "RETR *" to be received exactly 1 time, but it was received 3 times.',
  );
  expect(error.message).toMatch(
    /Matching commands:\n {2}session 1 #3 .*RETR 1.*\n {2}session 1 #4 .*RETR 3.*\n {2}session 2 #3 .*RETR 4/,
  );
});

test('times: 0 fails when the command came, and names where', () => {
  const error = verificationError(() => pop3.verify('DELE 3', { times: 0 }));
  expect(error.message).toContain(
    'expected the command "DELE 3" to be received exactly 0 times, but it was received 1 time.',
  );
  expect(error.message).toContain('  session 1 #5 in TRANSACTION: DELE 3  -> +OK message 3 deleted');
});

test('a user the server never had: no verdict, and the users there are', () => {
  const error = verificationError(() => pop3.verify('STAT', { user: 'carol' }));
  expect(error.message).toContain('no user "carol" (users: alice, bob), and no session logged in as it');
});

test('a user who never logged in: the sessions there are', async () => {
  await pop3.addUser('carol', 'c');
  try {
    const error = verificationError(() => pop3.verify('STAT', { user: 'carol' }));
    expect(error.message).toContain('No session matches user "carol"; sessions seen: 1 (alice), 2 (bob).');
  } finally {
    pop3.removeUser('carol');
  }
});
