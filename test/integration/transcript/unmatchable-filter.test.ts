import { type Pop3Mock, startPop3Mock, VerificationError } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { sides } from '../../helpers/api-sides';
import { failureOf } from '../../helpers/matcher-failure';
import { RawClient } from '../../helpers/raw-client';

/*
 * A filter that can match no session gives no verdict. Before, a misspelt
 * user made a negative check pass: verify('DELE 1', { user: 'alcie',
 * times: 0 }) returned 0, and so did a session id that never began; the
 * test believed it had verified a command it had not looked at.
 */

installPop3Matchers();

const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';

async function aliceSession(pop3: Pop3Mock, command: string): Promise<void> {
  const client = await RawClient.login(pop3.port, 'alice', 'secret');
  await client.command(command);
  await client.command('QUIT');
  await client.closed();
}

describe.each(sides)('%s: verify()', (_name, start) => {
  test('a user the server never had is no verdict, for times: 0 as for the default', async () => {
    const side = await start({ users: { alice: { password: 'secret', messages: [MESSAGE] }, bob: 'b' } });
    try {
      await aliceSession(side.server, 'RETR 1');
      for (const times of [0, undefined]) {
        const refused = await (async () => side.api.verify('DELE 1', { user: 'alcie', times }))().catch(
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(VerificationError);
        expect((refused as Error).message).toMatch(
          /^pop3-mock: cannot tell whether the command "DELE 1" was received .*: no user "alcie" \(users: alice, bob\), and no session logged in as it, so no session can match user "alcie"\.$/,
        );
      }
      const never = await (async () => side.api.verify('RETR 1', { sessionId: 99, times: 0 }))().catch(
        (error: unknown) => error,
      );
      expect(never).toBeInstanceOf(VerificationError);
      expect((never as Error).message).toMatch(
        /: no session 99 \(sessions: 1 \(alice\)\), so no session can match session 99\.$/,
      );
      // A user the server has, who never logged in: "bob's client sent no DELE" holds.
      expect(await side.api.verify('DELE 1', { user: 'bob', times: 0 })).toBe(0);
      // A removed user whose sessions are recorded: judged on them.
      await side.api.removeUser('alice');
      expect(await side.api.verify('RETR 1', { user: 'alice', times: 1 })).toBe(1);
      expect(await side.api.verify('DELE 1', { user: 'alice', times: 0 })).toBe(0);
    } finally {
      await side.close();
    }
  });
});

describe('the matchers on a server', () => {
  let pop3: Pop3Mock;
  beforeAll(async () => {
    pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
    await aliceSession(pop3, 'RETR 1');
  });
  afterAll(() => pop3.close());

  test('toHaveReceivedCommand with a user the server never had: expect(...) and .not both fail', () => {
    const claim = /cannot tell whether the command "DELE 1" was (not )?received .*: no user "alcie"/;
    expect(failureOf(() => expect(pop3).not.toHaveReceivedCommand('DELE 1', { user: 'alcie' }))).toMatch(
      claim,
    );
    expect(
      failureOf(() => expect(pop3).toHaveReceivedCommand('DELE 1', { user: 'alcie', times: 0 })),
    ).toMatch(claim);
    // The user's real name: judged.
    expect(pop3).not.toHaveReceivedCommand('DELE 1', { user: 'alice' });
  });

  test('toHaveReceivedCommands with a session that never began: both forms fail', () => {
    const claim =
      /cannot tell whether the commands "USER alice", "RETR 1" were received in this order: no session 7/;
    expect(
      failureOf(() => expect(pop3).toHaveReceivedCommands(['USER alice', 'RETR 1'], { sessionId: 7 })),
    ).toMatch(claim);
    expect(
      failureOf(() => expect(pop3).not.toHaveReceivedCommands(['USER alice', 'RETR 1'], { sessionId: 7 })),
    ).toMatch(claim);
    expect(pop3).toHaveReceivedCommands(['USER alice', 'RETR 1'], { sessionId: 1 });
  });

  test('every other matcher too: toHaveDeletedMessages, toHaveRetrievedMessages, toHaveEndedWith, toHaveRefusedTls, toHaveTlsFailure, in both forms', () => {
    const cases: [string, () => void, () => void][] = [
      [
        'deleted',
        () => expect(pop3).toHaveDeletedMessages([], { user: 'alcie' }),
        () => expect(pop3).not.toHaveDeletedMessages([1], { user: 'alcie' }),
      ],
      [
        'retrieved',
        () => expect(pop3).toHaveRetrievedMessages([], { sessionId: 99 }),
        () => expect(pop3).not.toHaveRetrievedMessages([1], { sessionId: 99 }),
      ],
      [
        'ended',
        () => expect(pop3).toHaveEndedWith('quit-update', { user: 'alcie' }),
        () => expect(pop3).not.toHaveEndedWith('quit-update', { sessionId: 99 }),
      ],
      [
        'refused',
        () => expect(pop3).toHaveRefusedTls({ sessionId: 99 }),
        () => expect(pop3).not.toHaveRefusedTls({ sessionId: 99 }),
      ],
      [
        'failed',
        () => expect(pop3).toHaveTlsFailure({ sessionId: 99 }),
        () => expect(pop3).not.toHaveTlsFailure({ sessionId: 99 }),
      ],
    ];
    for (const [what, positive, negative] of cases) {
      for (const form of [positive, negative]) {
        expect(`${what}: ${failureOf(form)}`).toMatch(
          new RegExp(`^${what}: [\\s\\S]*cannot tell whether .*: no (user "alcie"|session 99)`),
        );
      }
    }
    // Real names are judged: alice's one session retrieved message 1 and ended with QUIT.
    expect(pop3).toHaveRetrievedMessages([1], { user: 'alice' });
    expect(pop3).toHaveEndedWith('quit-update', { sessionId: 1 });
  });

  test('records alone cannot tell a user never had from one that never logged in: judged as before', () => {
    expect(pop3.sessions).not.toHaveReceivedCommand('DELE 1', { user: 'alcie' });
  });
});
