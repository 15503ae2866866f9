import { connectPop3Mock, startPop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { failureOf } from '../../helpers/matcher-failure';
import { RawClient } from '../../helpers/raw-client';

installPop3Matchers();

test('a matcher given the remote client itself fails both forms, saying to pass its sessions; given them, it judges', async () => {
  const pop3 = await startPop3Mock({ control: true, users: { alice: { password: 'pw', messages: [] } } });
  const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  try {
    const client = await RawClient.login(pop3.port, 'alice', 'pw');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    const hint =
      'received a remote client: its sessions come over the wire, so pass them (expect(await remote.listSessions()))';
    expect(failureOf(() => expect(remote).toHaveReceivedCommand('QUIT'))).toContain(hint);
    expect(failureOf(() => expect(remote).not.toHaveReceivedCommand('DELE 1'))).toContain(hint);
    const sessions = await remote.listSessions();
    expect(sessions).toHaveReceivedCommand('QUIT');
    expect(sessions).not.toHaveReceivedCommand('DELE 1');
  } finally {
    await remote.close();
    await pop3.close();
  }
});
