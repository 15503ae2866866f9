import { UserLoggedInError } from '../../../src';
import { sideForEachTest, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * removeUser() of a user a session is logged in as is refused, as addUser()
 * replacing one is: the session would go on with a mailbox nobody lists,
 * its DELE answered +OK and its UPDATE applied where no test can see it.
 * Nothing changes; after QUIT the removal goes through.
 */

const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';

describe.each(sides)('%s', (_name, start) => {
  const side = sideForEachTest(start, { users: { alice: { password: 'secret', messages: [MESSAGE] } } });

  test('removeUser() of a logged-in user is a UserLoggedInError naming the call; after QUIT it is removed', async () => {
    const { api, server } = side();
    const client = await RawClient.login(server.port, 'alice', 'secret');
    const live = (await api.listSessions({ user: 'alice' })).at(-1)!;
    let refused: unknown;
    try {
      await api.removeUser('alice');
    } catch (error) {
      refused = error;
    }
    expect((refused as Error | undefined)?.message).toBe(
      `pop3-mock: removeUser(): "alice" is logged in (session ${live.id}); a user is removed only when no session is logged in as it: QUIT first`,
    );
    expect(refused).toBeInstanceOf(UserLoggedInError);
    expect(refused).toMatchObject({ user: 'alice', sessionId: live.id, call: 'removeUser' });
    expect(await api.users()).toEqual(['alice']);
    // The session's deletion reaches the mailbox the API shows.
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await api.sessionEnd(live.id, { timeoutMs: 5000 });
    expect((await api.mailbox('alice').deleted()).map((d) => d.sessionId)).toEqual([live.id]);
    expect(await api.removeUser('alice')).toBe(true);
    expect(await api.users()).toEqual([]);
  });

  test('a session that has not logged in (USER sent, no PASS) does not hold the user', async () => {
    const { api, server } = side();
    const client = await RawClient.connect(server.port);
    expect(await client.command('USER alice')).toMatch(/^\+OK/);
    expect(await api.removeUser('alice')).toBe(true);
    expect(await client.command('PASS secret')).toMatch(/^-ERR/);
    await client.command('QUIT');
    await client.closed();
  });
});
