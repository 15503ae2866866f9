import { WaitTimeoutError } from '../../../src';
import { sideForEachTest, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * waitForCommand(..., { includePast: true }) looks at the commands received
 * before the wait began too. When it times out, its message said it saw
 * "nothing", as if it had looked at nothing: it now says what it looked at
 * before the wait, and the closest of those commands.
 */

const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';

describe.each(sides)('%s', (_name, start) => {
  const side = sideForEachTest(start, { users: { alice: { password: 'secret', messages: [MESSAGE] } } });

  test('a timeout with includePast says which earlier commands it looked at, and the closest', async () => {
    const { api, server } = side();
    const client = await RawClient.login(server.port, 'alice', 'secret');
    expect((await client.multi('RETR 1')).status).toMatch(/^\+OK/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await api.sessionEnd(undefined, { timeoutMs: 5000 });
    const error = await api
      .waitForCommand('RETR 9', { includePast: true, timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const reply = (await api.listSessions())[0]!.replies()[3]!.line;
    expect((error as Error).message).toBe(
      [
        'pop3-mock: timed out after 100 ms waiting for the command "RETR 9"; saw meanwhile:',
        '  nothing',
        'Looked at the 4 commands received before the wait began too (includePast), none of them "RETR 9"; the closest:',
        `  session 1 #3 in TRANSACTION: RETR 1  -> ${reply}  (same verb, distance 1)`,
        '  session 1 #4 in TRANSACTION: QUIT  -> +OK pop3-mock signing off (0 deleted, 1 message left)  (distance 6)',
        '  session 1 #1 in AUTHORIZATION: USER alice  -> +OK send PASS for alice  (distance 8)',
        // PASS carries a secret: how far it is from the pattern is not said.
        '  session 1 #2 in AUTHORIZATION: PASS ******  -> +OK maildrop has 1 message (22 octets)',
      ].join('\n'),
    );
  });

  test('with includePast and nothing received before, it says there was nothing to look at', async () => {
    const error = await side()
      .api.waitForCommand('RETR 9', { includePast: true, timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      [
        'pop3-mock: timed out after 100 ms waiting for the command "RETR 9"; saw meanwhile:',
        '  nothing',
        'Looked at the commands received before the wait began too (includePast): there were none.',
      ].join('\n'),
    );
  });
});
