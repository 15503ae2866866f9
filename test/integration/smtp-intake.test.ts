import nodemailer from 'nodemailer';
import { startPop3Mock } from '../../src';
import { RawClient } from '../helpers/raw-client';

// Issue 6 §5: code that sends with nodemailer and fetches with POP3, end to end.
test('a message sent over SMTP with nodemailer is fetched over POP3 from the recipient mailbox', async () => {
  const pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw', bob: 'b-pw' } });
  try {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: pop3.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: 'sender@example.com',
      to: 'alice@example.com',
      subject: 'over smtp',
      text: 'first line\n.dot line\n',
    });
    transport.close();
    expect(info.accepted).toEqual(['alice@example.com']);

    expect(pop3.mailbox('bob').messages()).toHaveLength(0);
    const [message] = pop3.mailbox('alice').messages();
    const client = await RawClient.login(pop3.port, 'alice', 'a-pw');
    const retr = await client.multi('RETR 1');
    expect(retr.data.equals(message!.bytes)).toBe(true);
    const text = retr.data.toString();
    expect(text).toContain('Subject: over smtp\r\n');
    expect(text).toContain('\r\n.dot line\r\n');
    expect(retr.wire.toString()).toContain('\r\n..dot line\r\n');
    await client.command('QUIT');
  } finally {
    await pop3.close();
  }
});

test('SMTP refuses a recipient without a mailbox', async () => {
  const pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  try {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: pop3.smtpPort, ignoreTLS: true });
    await expect(
      transport.sendMail({ from: 's@example.com', to: 'nobody@example.com', subject: 'x', text: 'y' }),
    ).rejects.toThrow(/no mailbox for nobody@example\.com/);
    transport.close();
    expect(pop3.mailbox('alice').messages()).toHaveLength(0);
  } finally {
    await pop3.close();
  }
});
