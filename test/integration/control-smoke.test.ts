import { connectPop3Mock, on, startPop3Mock } from '../../src';
import { RawClient } from '../helpers/raw-client';

test('smoke: a remote client drives users, faults and transcripts over HTTP', async () => {
  const pop3 = await startPop3Mock({ control: true, smtp: true });
  try {
    const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
    expect(remote.port).toBe(pop3.port);
    await remote.addUser('bob', { password: 'pw', messages: ['Subject: hi\n\nbody\n'] });
    await remote.use(on('RETR').once().reply('-ERR [SYS/TEMP] later'));
    const c = await RawClient.login(pop3.port, 'bob', 'pw');
    expect((await c.multi('RETR 1')).status).toBe('-ERR [SYS/TEMP] later');
    expect((await c.multi('RETR 1')).data.toString()).toBe('Subject: hi\r\n\r\nbody\r\n');
    await c.command('QUIT');
    const ended = await remote.sessionEnd();
    expect(ended.endReason).toBe('quit-update');
    expect(await remote.commands()).toEqual(['USER bob', 'PASS ******', 'RETR 1', 'RETR 1', 'QUIT']);
    await expect(remote.verify('DELE 1')).rejects.toThrow(/DELE 1/);
    const res = await fetch(`${pop3.controlUrl}/api/status`);
    expect(res.status).toBe(401);
  } finally {
    await pop3.close();
  }
});
