import {
  checkReceived,
  checkSequence,
  describeTimes,
  VerificationError,
  verifyReceived,
} from '../../../src/transcript/verify';
import { aliceSession, SyntheticSession } from './synthetic';

const sessions = () => [
  aliceSession(1).record,
  new SyntheticSession(2)
    .reply('+OK ready')
    .command('USER bob')
    .reply('+OK')
    .command('PASS bobpw')
    .login('bob')
    .reply('+OK in')
    .command('RETR 3')
    .reply('-ERR no such message 3, only 2 messages in maildrop')
    .end('client-closed').record,
];

test('verify passes when the command was received, with times, user and session filters', () => {
  const all = sessions();
  expect(() => verifyReceived(all, 'RETR 1')).not.toThrow();
  expect(() => verifyReceived(all, 'RETR *', { times: 2 })).not.toThrow();
  expect(() => verifyReceived(all, 'RETR *', { user: 'bob', times: 1 })).not.toThrow();
  expect(() => verifyReceived(all, 'RETR 1', { sessionId: 2, times: 0 })).not.toThrow();
  expect(() => verifyReceived(all, 'PASS hunter2 with spaces')).not.toThrow();
  expect(() => verifyReceived(all, /^DELE/, { times: { atLeast: 1, atMost: 1 } })).not.toThrow();
});

test('a failed verify lists the closest commands with their state and reply, then the transcript', () => {
  const error = (() => {
    try {
      verifyReceived(sessions(), 'RETR 2', { user: 'alice' });
    } catch (e) {
      return e as VerificationError;
    }
  })();
  expect(error).toBeInstanceOf(VerificationError);
  expect(error!.count).toBe(0);
  const lines = error!.message.split('\n');
  expect(lines.slice(0, 8)).toEqual([
    'pop3-mock: expected the command "RETR 2" to be received at least once, but it was received 0 times.',
    'Sessions looked at (user "alice"): 1 (alice).',
    'Closest commands received:',
    '  session 1 #3 in TRANSACTION: RETR 1  -> +OK 120 octets  (same verb, distance 1)',
    '  session 1 #4 in TRANSACTION: DELE 1  -> +OK message 1 deleted  (distance 4)',
    '  session 1 #5 in TRANSACTION: QUIT  -> +OK pop3-mock signing off (1 deleted, 1 message left)  (distance 6)',
    '  session 1 #1 in AUTHORIZATION: USER alice  -> +OK send PASS for alice  (distance 8)',
    // Ranked like the others, but how far a password is from the pattern is not printed.
    '  session 1 #2 in AUTHORIZATION: PASS ******  -> +OK maildrop has 2 messages (320 octets)',
  ]);
  expect(lines[8]).toBe('Transcript:');
  expect(lines).toContain('  C: RETR 1');
  expect(error!.message).not.toContain('hunter2');
  expect(error!.nearMisses).toHaveLength(5);
});

test('a wrong count lists the matching commands', () => {
  const result = checkReceived(sessions(), 'RETR *', { times: 1 });
  expect(result.pass).toBe(false);
  expect(result.message.split('\n').slice(0, 5)).toEqual([
    'pop3-mock: expected the command "RETR *" to be received exactly 1 time, but it was received 2 times.',
    'Sessions looked at: 1 (alice), 2 (bob).',
    'Matching commands:',
    '  session 1 #3 in TRANSACTION: RETR 1  -> +OK 120 octets',
    '  session 2 #3 in TRANSACTION: RETR 3  -> -ERR no such message 3, only 2 messages in maildrop',
  ]);
});

test('a filter that selects nothing names the sessions there are; no sessions at all says so', () => {
  expect(checkReceived(sessions(), 'STAT', { user: 'carol' }).message).toContain(
    'No session matches user "carol"; sessions seen: 1 (alice), 2 (bob).',
  );
  expect(checkReceived([], 'STAT').message).toContain('No client has connected.');
});

test('a secret pattern is masked in the message', () => {
  const result = checkReceived(sessions(), 'PASS hunter3');
  expect(result.message).toContain('expected the command "PASS ******"');
  expect(result.message).not.toMatch(/hunter|bobpw/);
});

test('sequences: a subsequence in order passes; a failure says how far it got and what came after', () => {
  const all = sessions();
  expect(checkSequence(all, ['USER alice', 'RETR 1', 'QUIT']).pass).toBe(true);
  expect(checkSequence(all, ['USER alice', 'USER bob', 'RETR 3']).pass).toBe(true);
  const failed = checkSequence(all, ['RETR 1', 'USER alice']);
  expect(failed.pass).toBe(false);
  expect(failed.message.split('\n').slice(0, 6)).toEqual([
    'pop3-mock: expected the commands "RETR 1", "USER alice" to be received in this order.',
    'Sessions looked at: 1 (alice), 2 (bob).',
    'Matched 1 of 2:',
    '  session 1 #3 in TRANSACTION: RETR 1  -> +OK 120 octets',
    'Then "USER alice" was not received after session 1 #3.',
    'Closest commands received after that:',
  ]);
  expect(failed.message).toContain(
    '  session 2 #1 in AUTHORIZATION: USER bob  -> +OK  (same verb, distance 5)',
  );
});

test.each([
  [undefined, 'at least once'],
  [0, 'exactly 0 times'],
  [1, 'exactly 1 time'],
  [{ atLeast: 2 }, 'at least 2 times'],
  [{ atLeast: 1, atMost: 3 }, 'at least 1 time and at most 3 times'],
])('times %j reads "%s"', (times, text) => {
  expect(describeTimes(times)).toBe(text);
});
