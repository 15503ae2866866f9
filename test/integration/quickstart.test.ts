import { startPop3Mock } from '../../src';
import { RawClient } from '../helpers/raw-client';

// The README's first example, through the wire.
test('a test starts a server in one line, fetches a message and sees what the client did', async () => {
  const raw = 'From: a@example.com\nSubject: hello\n\n.dot line\nbody\n';
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: [raw] } } });
  try {
    const client = await RawClient.login(pop3.port, 'alice', 'secret');
    const reply = await client.multi('RETR 1');
    expect(reply.status).toBe(`+OK ${pop3.mailbox('alice').messages()[0]!.size} octets`);
    expect(reply.data.toString()).toBe(raw.replace(/\n/g, '\r\n'));
    expect(reply.wire.toString()).toContain('\r\n..dot line\r\n');
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    const session = await pop3.sessionEnd();
    expect(session.commands()).toEqual(['USER alice', 'PASS ******', 'RETR 1', 'DELE 1', 'QUIT']);
    expect(session.endReason).toBe('quit-update');
    expect(pop3.mailbox('alice').messages()).toHaveLength(0);
  } finally {
    await pop3.close();
  }
});
