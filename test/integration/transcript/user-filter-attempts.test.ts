import { VerificationError } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { sides } from '../../helpers/api-sides';
import { failureOf } from '../../helpers/matcher-failure';
import { RawClient } from '../../helpers/raw-client';

/*
 * { user } selects the sessions that logged in as the user and those that
 * tried to and logged in as nobody. Before, it selected only the first: a
 * client that retried a wrong password three times passed
 * verify('PASS *', { user: 'alice', times: { atMost: 1 } }) with a count of 0.
 */

installPop3Matchers();

const USERS = { alice: 'secret', bob: 'b-secret' };

/** A session that tries `user` with `password`, then QUITs. */
async function attempt(port: number, user: string, password: string, then: string[] = []): Promise<void> {
  const client = await RawClient.connect(port);
  await client.command(`USER ${user}`);
  await client.command(`PASS ${password}`);
  for (const line of then) await client.command(line);
  await client.command('QUIT');
  await client.closed();
}

describe.each(sides)('%s: { user } and failed logins', (_name, start) => {
  test("three refused PASS as alice count against alice; a session that went on to log in as bob is bob's", async () => {
    const side = await start({ users: USERS });
    try {
      for (let i = 0; i < 3; i++) await attempt(side.server.port, 'alice', 'wrong');
      // Tries alice, then logs in as bob: bob's session.
      await attempt(side.server.port, 'alice', 'wrong', ['USER bob', 'PASS b-secret']);
      await side.server.sessionEnd(4);

      const refused = await (async () =>
        side.api.verify('PASS *', { user: 'alice', times: { atMost: 1 } }))().catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(VerificationError);
      expect((refused as VerificationError).count).toBe(3);
      expect((await side.api.listSessions({ user: 'alice' })).map((s) => s.id)).toEqual([1, 2, 3]);
      expect((await side.api.listSessions({ user: 'bob' })).map((s) => s.id)).toEqual([4]);
      expect(await side.api.verify('PASS *', { user: 'bob', times: 2 })).toBe(2);

      const sessions = await side.api.listSessions();
      expect(
        failureOf(() => expect(sessions).not.toHaveReceivedCommand('PASS *', { user: 'alice' })),
      ).toContain('received 3 times');
    } finally {
      await side.close();
    }
  });

  test('waitForCommand({ user }) takes the commands of a session refused as the user, as verify() counts them', async () => {
    const side = await start({ users: USERS });
    try {
      const pass = side.api.waitForCommand('PASS *', { user: 'alice', timeoutMs: 5000 });
      const noop = side.api.waitForCommand('NOOP', { user: 'alice', timeoutMs: 5000 });
      const client = await RawClient.connect(side.server.port);
      await client.command('USER alice');
      expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
      expect(await pass).toMatchObject({ verb: 'PASS', sessionId: 1, index: 2 });
      await client.command('NOOP');
      expect(await noop).toMatchObject({ verb: 'NOOP', sessionId: 1, index: 3 });
      expect(await side.api.verify('NOOP', { user: 'alice' })).toBe(1);
      // A session that tried alice and then logged in as bob is bob's: its NOOP is none of alice's.
      const notAlice = side.api.waitForCommand('NOOP', { user: 'alice', timeoutMs: 300 });
      await attempt(side.server.port, 'alice', 'wrong', ['USER bob', 'PASS b-secret', 'NOOP']);
      await expect(notAlice).rejects.toThrow('timed out');
      await client.command('QUIT');
      await client.closed();
    } finally {
      await side.close();
    }
  });

  test("alice's dropped failed logins make a check of alice's sessions unjudgeable, as her dropped logins do", async () => {
    const side = await start({ users: USERS, keepSessions: 1 });
    try {
      await attempt(side.server.port, 'alice', 'wrong');
      await attempt(side.server.port, 'alice', 'wrong');
      // The one session kept: bob's.
      await attempt(side.server.port, 'bob', 'b-secret');
      await side.server.sessionEnd(3);

      const told = await (async () => side.api.verify('PASS *', { user: 'alice', times: 0 }))().catch(
        (error: unknown) => error,
      );
      expect(told).toBeInstanceOf(VerificationError);
      expect((told as VerificationError).message).toContain(
        'cannot tell whether the command "PASS ******" was received exactly 0 times',
      );
      expect((told as VerificationError).message).toContain('2 ended sessions of user "alice" were dropped');
    } finally {
      await side.close();
    }
  });
});
