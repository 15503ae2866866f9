import { NotFoundError } from '../../../src';
import { sideForEachTest, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * A mailbox handle (`api.mailbox(user)`) names a user: each call reads the
 * user's mailbox now, as the remote client's does (it calls the control API
 * by name). In process it held the mailbox it was made from: after
 * addUser() replaced the user it listed the old messages, and after
 * removeUser() it listed them still and its reset() succeeded on a mailbox
 * no session could reach.
 */

const FIRST = 'Subject: first\r\n\r\nhello\r\n';
const SECOND = 'Subject: second\r\n\r\nbye\r\n';

describe.each(sides)('%s', (_name, start) => {
  const side = sideForEachTest(start, { users: { alice: { password: 'secret', messages: [FIRST] } } });

  test('after addUser() replaced the user, a handle made before reads the new mailbox, as a client does', async () => {
    const { api, server } = side();
    const box = api.mailbox('alice');
    await api.addUser('alice', { password: 'secret', messages: [SECOND, FIRST] });
    const client = await RawClient.login(server.port, 'alice', 'secret');
    expect(await client.command('STAT')).toMatch(/^\+OK 2 /);
    await client.command('QUIT');
    await client.closed();
    expect((await box.messages()).map((m) => m.size)).toEqual([
      Buffer.byteLength(SECOND),
      Buffer.byteLength(FIRST),
    ]);
  });

  test('after removeUser(), a handle made before is a NotFoundError for reads and reset()', async () => {
    const { api } = side();
    const box = api.mailbox('alice');
    expect(await api.removeUser('alice')).toBe(true);
    const missing = { kind: 'user', user: 'alice' };
    for (const call of [() => box.messages(), () => box.deleted(), () => box.raw(1), () => box.reset()]) {
      let thrown: unknown;
      try {
        await call();
      } catch (error) {
        thrown = error;
      }
      expect((thrown as NotFoundError | undefined)?.missing).toEqual(missing);
      expect(thrown).toBeInstanceOf(NotFoundError);
    }
  });
});
