import type { Pop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { SessionRecord } from '../../../src/transcript/session-record';
import { failureOf } from '../../helpers/matcher-failure';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, BOB_PASSWORD, python, startTranscriptServer } from './setup';

let pop3: Pop3Mock;

beforeAll(async () => {
  installPop3Matchers();
  pop3 = await startTranscriptServer();
  await python(
    pop3.port,
    `P.user('alice'); P.pass_(ARGS[0]); P.retr(1); P.retr(2); P.dele(1); P.dele(2); P.quit()`,
    ALICE_PASSWORD,
  );
  await pop3.sessionEnd(pop3.sessions[0]);
  const bob = await RawClient.login(pop3.port, 'bob', BOB_PASSWORD);
  await bob.command('DELE 1');
  bob.destroy();
  await pop3.sessionEnd(pop3.sessions[1]);
});

afterAll(async () => {
  await pop3.close();
});

function expectRedacted(message: string): void {
  expect(message).not.toContain(ALICE_PASSWORD);
  expect(message).not.toContain(BOB_PASSWORD);
  expect(message).toContain('C: PASS ******');
}

describe('toHaveReceivedCommand', () => {
  test('passes for a server, a record and an array of records, with times and filters', () => {
    expect(pop3).toHaveReceivedCommand('RETR 2');
    expect(pop3).toHaveReceivedCommand('DELE *', { times: 3 });
    expect(pop3.sessions[1]).toHaveReceivedCommand('DELE 1', { times: 1 });
    expect(pop3.sessions).toHaveReceivedCommand(/^RETR/, { user: 'alice', times: 2 });
    expect(pop3).not.toHaveReceivedCommand('RETR 3');
  });

  test('fails with the near misses and the redacted transcript', () => {
    const message = failureOf(() => expect(pop3).toHaveReceivedCommand('RETR 3', { user: 'alice' }));
    expect(message).toContain('expect(received).toHaveReceivedCommand(pattern)');
    expect(message).toContain(
      'expected the command "RETR 3" to be received at least once, but it was received 0 times.',
    );
    expect(message).toMatch(
      /Closest commands received:\n {2}session 1 #4 in TRANSACTION: RETR 2 .*\(same verb, distance 1\)/,
    );
    expectRedacted(message);
  });

  test('.not fails listing where the command came', () => {
    const message = failureOf(() => expect(pop3).not.toHaveReceivedCommand('DELE 1'));
    expect(message).toContain(
      'expected the command "DELE 1" not to be received at least once, but it was received 2 times.',
    );
    expect(message).toContain('  session 2 #3 in TRANSACTION: DELE 1  -> +OK message 1 deleted');
  });

  test('a value that is not a server or a record fails with a clear message', () => {
    expect(failureOf(() => expect({ port: 1 }).toHaveReceivedCommand('STAT'))).toContain(
      'expected a Pop3Mock, a SessionRecord or an array of records, received object',
    );
  });
});

// A matcher that cannot read what it was given has judged nothing: `.not` must fail as well.
test.each<[string, (e: jest.JestMatchers<unknown>) => void]>([
  ['toHaveReceivedCommand', (e) => e.not.toHaveReceivedCommand('STAT')],
  ['toHaveReceivedCommands', (e) => e.not.toHaveReceivedCommands(['STAT'])],
  ['toHaveDeletedMessages', (e) => e.not.toHaveDeletedMessages([1])],
  ['toHaveRetrievedMessages', (e) => e.not.toHaveRetrievedMessages([1])],
  ['toHaveEndedWith', (e) => e.not.toHaveEndedWith('quit-update')],
  ['toHaveRefusedTls', (e) => e.not.toHaveRefusedTls()],
  ['toHaveTlsFailure', (e) => e.not.toHaveTlsFailure()],
])('.not.%s fails on a value that is not a server or a record', (_name, check) => {
  expect(failureOf(() => check(expect({ port: 1 })))).toContain(
    'expected a Pop3Mock, a SessionRecord or an array of records, received object',
  );
});

test('.not fails on arguments a matcher cannot read, too', () => {
  // @ts-expect-error: not an array of patterns.
  expect(failureOf(() => expect(pop3).not.toHaveReceivedCommands('RETR 1'))).toContain(
    'expected an array of command patterns',
  );
  // @ts-expect-error: numbers and UIDs mixed.
  expect(failureOf(() => expect(pop3).not.toHaveDeletedMessages([1, 'uid-1']))).toContain(
    'not a mix of both',
  );
  // Patterns that could match no command, and an empty list, ask nothing: neither form passes.
  for (const pattern of ['   ', '*', '* *']) {
    for (const check of [
      () => expect(pop3).not.toHaveReceivedCommand(pattern),
      () => expect(pop3).toHaveReceivedCommand(pattern, { times: 0 }),
    ]) {
      expect(failureOf(check)).toContain('expected a command pattern with a verb first, such as "RETR 1"');
    }
    expect(() => pop3.verify(pattern, { times: 0 })).toThrow('with a verb first');
  }
  expect(failureOf(() => expect(pop3).toHaveReceivedCommands([]))).toContain(
    'expected at least one command pattern',
  );
  expect(failureOf(() => expect(pop3).not.toHaveReceivedCommands([]))).toContain(
    'expected at least one command pattern',
  );
});

// Options, reasons and causes are checked as every door checks them (src/schema/matcher-arguments.ts):
// a misspelt one is never read as "no filter" or "any", so neither form passes.
test.each<[string, (e: jest.Matchers<void, Pop3Mock>) => void, string]>([
  [
    'toHaveReceivedCommand, a misspelt filter',
    (e) => e.toHaveReceivedCommand('STAT', { usr: 'bob' } as never),
    'options: unknown key "usr"; did you mean "user"?',
  ],
  [
    'toHaveReceivedCommand, a count that is none',
    (e) => e.toHaveReceivedCommand('STAT', { times: -1 }),
    'options.times:',
  ],
  [
    'toHaveReceivedCommands, a misspelt filter',
    (e) => e.toHaveReceivedCommands(['STAT'], { sesionId: 1 } as never),
    'options: unknown key "sesionId"; did you mean "sessionId"?',
  ],
  [
    'toHaveDeletedMessages, a misspelt filter',
    (e) => e.toHaveDeletedMessages([1], { usr: 'alice' } as never),
    'options: unknown key "usr"; did you mean "user"?',
  ],
  [
    'toHaveRetrievedMessages, a session id that is none',
    (e) => e.toHaveRetrievedMessages([1], { sessionId: 0 }),
    'options.sessionId: expected an integer >= 1, got 0',
  ],
  [
    'toHaveEndedWith, a misspelt filter',
    (e) => e.toHaveEndedWith('quit-update', { sesionId: 1 } as never),
    'options: unknown key "sesionId"; did you mean "sessionId"?',
  ],
  [
    'toHaveEndedWith, a reason that is none',
    (e) => e.toHaveEndedWith('quit' as never),
    'reason: expected one of "quit-update"',
  ],
  [
    'toHaveTlsFailure, a misspelt cause',
    (e) => e.toHaveTlsFailure({ cause: 'unknwn_ca' as never }),
    'options.cause: expected a TLS failure cause such as "unknown_ca", the nearest',
  ],
  [
    'toHaveRefusedTls, a misspelt key',
    (e) => e.toHaveRefusedTls({ caus: 'unknown_ca' } as never),
    'options: unknown key "caus"; did you mean "cause"?',
  ],
])('%s: both expect() and .not fail, naming the path', (_name, check, text) => {
  expect(failureOf(() => check(expect(pop3)))).toContain(text);
  expect(failureOf(() => check(expect(pop3).not))).toContain(text);
});

describe('toHaveReceivedCommands', () => {
  test('passes for commands in order with others between, across the sessions in order', () => {
    expect(pop3).toHaveReceivedCommands(['USER alice', 'RETR 1', 'DELE 2', 'QUIT']);
    expect(pop3).toHaveReceivedCommands(['QUIT', 'USER bob', 'DELE 1']);
    expect(pop3.sessions[0]).toHaveReceivedCommands([`PASS ${ALICE_PASSWORD}`, 'RETR 2']);
    expect(pop3).not.toHaveReceivedCommands(['DELE 1', 'RETR 1'], { user: 'alice' });
  });

  test('fails saying how far the sequence got', () => {
    const message = failureOf(() =>
      expect(pop3).toHaveReceivedCommands(['RETR 2', 'RETR 1'], { sessionId: 1 }),
    );
    expect(message).toContain('expect(received).toHaveReceivedCommands(patterns)');
    expect(message).toContain('Matched 1 of 2:\n  session 1 #4 in TRANSACTION: RETR 2');
    expect(message).toContain('Then "RETR 1" was not received after session 1 #4.');
    expectRedacted(message);
  });
});

describe('toHaveDeletedMessages', () => {
  test('passes with message numbers or UIDs, in any order', () => {
    const [m1, m2] = pop3.outcome('alice').deleted;
    expect(pop3.sessions[0]).toHaveDeletedMessages([2, 1]);
    expect(pop3).toHaveDeletedMessages([m2!.uid, m1!.uid], { user: 'alice' });
    expect(pop3.sessions[1]).toHaveDeletedMessages([]);
    expect(pop3.sessions[1]).not.toHaveDeletedMessages([1]);
  });

  test('fails naming what was deleted, and DELE marks that never reached UPDATE', () => {
    const message = failureOf(() => expect(pop3).toHaveDeletedMessages([1, 2, 3]));
    expect(message).toContain(
      'expected the messages deleted at UPDATE in the server to be numbers [1, 2, 3], but they were [1, 2].',
    );
    expect(message).toContain(`  session 1: 1 (${pop3.sessions[0]!.deleted[0]!.uid}), 2 (`);
    expect(message).toContain('  session 2: none');
    expect(message).toContain(
      '  session 2 marked 1 with DELE but ended with client-closed: no UPDATE, nothing removed.',
    );
    expectRedacted(message);
  });

  test('numbers and UIDs cannot be mixed', () => {
    expect(failureOf(() => expect(pop3).toHaveDeletedMessages([1, 'x'] as unknown as number[]))).toContain(
      'expected message numbers or UIDs, not a mix of both',
    );
  });
});

describe('toHaveRetrievedMessages', () => {
  test('passes and fails like toHaveDeletedMessages', () => {
    expect(pop3).toHaveRetrievedMessages([1, 2]);
    const message = failureOf(() => expect(pop3).toHaveRetrievedMessages([1]));
    expect(message).toContain(
      'expected the messages retrieved in the server to be numbers [1], but they were [1, 2].',
    );
  });
});

describe('toHaveEndedWith', () => {
  test('passes for a record, and for a server by its last (matching) session', () => {
    expect(pop3.sessions[0]).toHaveEndedWith('quit-update');
    expect(pop3).toHaveEndedWith('client-closed');
    expect(pop3).toHaveEndedWith('quit-update', { user: 'alice' });
    expect(pop3).not.toHaveEndedWith('quit-update');
  });

  test('fails saying how it ended, with the transcript', () => {
    const message = failureOf(() => expect(pop3).toHaveEndedWith('quit-update'));
    expect(message).toContain('expect(received).toHaveEndedWith(reason)');
    expect(message).toContain(
      'expected session 2 to have ended with quit-update, but it ended with client-closed.',
    );
    expect(message).toContain('-- ended: client-closed');
    expectRedacted(message);
  });

  test('fails for a session still open, and when no session matches', () => {
    // Records cannot be changed: an open one is the same session replayed up to its QUIT.
    const live = pop3.sessions[0]!;
    const open = new SessionRecord(
      live.id,
      live.remoteAddress,
      live.remotePort,
      live.tls,
      live.startedAt.getTime(),
    );
    const quit = live.events.findIndex((e) => e.type === 'command' && e.verb === 'QUIT');
    for (const event of live.events.slice(0, quit)) open.apply(event);
    expect(failureOf(() => expect(open).toHaveEndedWith('quit-update'))).toContain(
      'but it has not ended (state TRANSACTION)',
    );
    // A user the server never had: no verdict, in either form (unmatchable-filter.test.ts).
    expect(failureOf(() => expect(pop3).toHaveEndedWith('quit-update', { user: 'carol' }))).toContain(
      'no user "carol" (users: alice, bob), and no session logged in as it, so no session can match user "carol".',
    );
  });
});

test('records from another copy of the module work too (structural checks, no instanceof)', () => {
  let copy: typeof import('../../../src/transcript/session-record') | undefined;
  jest.isolateModules(() => {
    copy = require('../../../src/transcript/session-record');
  });
  const original = pop3.sessions[0]!;
  const foreign = new copy!.SessionRecord(9, '127.0.0.1', 1, 'none', original.startedAt.getTime());
  for (const event of original.events) foreign.apply({ ...event, sessionId: 9 });
  expect(foreign).not.toBeInstanceOf(Object.getPrototypeOf(original).constructor);
  expect(foreign).toHaveReceivedCommand('RETR 1');
  expect(foreign).toHaveDeletedMessages([1, 2]);
  expect(foreign).toHaveEndedWith('quit-update');
});
