import { on, startPop3Mock } from '../../src';
import { RawClient } from '../helpers/raw-client';

test('smoke: -ERR on the 2nd RETR, transcripts mark the fault', async () => {
  const pop3 = await startPop3Mock({ users: { alice: { password: 'p', messages: ['Subject: a\n\nx\n'] } } });
  try {
    await pop3.use(on('RETR').nth(2).reply('-ERR [SYS/TEMP] try later'));
    const c = await RawClient.login(pop3.port, 'alice', 'p');
    expect((await c.multi('RETR 1')).status).toMatch(/^\+OK/);
    expect((await c.multi('RETR 1')).status).toBe('-ERR [SYS/TEMP] try later');
    expect((await c.multi('RETR 1')).status).toMatch(/^\+OK/);
    await c.command('QUIT');
    const s = await pop3.sessionEnd();
    expect(s.faults.map((f) => f.action)).toEqual(['reply']);
    expect(pop3.transcript()).toContain('-- fault');
    expect(pop3.pendingRules()).toEqual([]);
  } finally {
    await pop3.close();
  }
});
