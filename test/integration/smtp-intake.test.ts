import nodemailer, { type SendMailOptions } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { type Pop3Mock, startPop3Mock } from '../../src';
import { FakeClock } from '../helpers/fake-clock';
import { watchHost } from '../helpers/host-errors';
import { fetchOverPop3 } from '../helpers/pop3-fetch';
import { RawClient } from '../helpers/raw-client';
import { ehloLines } from '../helpers/smtp-ehlo';

// Issue 6 §5 and issue 14: code that sends over SMTP (plain, STARTTLS, SMTPS,
// AUTH) and fetches with POP3, end to end, with nodemailer as the client.

const host = watchHost();
afterEach(() => host.assertClean());
afterAll(() => host.stop());

let pop3: Pop3Mock | undefined;
afterEach(async () => {
  await pop3?.close();
  pop3 = undefined;
});

async function send(options: SMTPTransport.Options, mail: SendMailOptions) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', ...options });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

const mail = { from: 'sender@example.com', to: 'alice@example.com', subject: 'over smtp', text: 'hello\n' };

test('a message sent over plain SMTP is fetched over POP3 from the recipient mailbox, dots intact', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw', bob: 'b-pw' } });
  const info = await send(
    { port: pop3.smtpPort, ignoreTLS: true },
    { ...mail, text: 'first line\n.dot line\n' },
  );
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
});

test('the stored message starts with Return-Path and Received (client address, no TLS, the clock time); LIST, UIDL and RETR agree', async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 30, 5));
  pop3 = await startPop3Mock({ smtp: true, clock, users: { alice: 'a-pw' } });
  await send({ port: pop3.smtpPort, ignoreTLS: true, name: 'client.test' }, mail);

  const fetched = await fetchOverPop3(pop3.port, 'alice', 'a-pw');
  const lines = fetched.bytes.toString('latin1').split('\r\n');
  expect(lines.slice(0, 4)).toEqual([
    'Return-Path: <sender@example.com>',
    'Received: from client.test ([127.0.0.1])',
    '\tby localhost (pop3-mock) with ESMTP',
    '\tfor <alice@example.com>; Thu, 01 Jan 2026 12:30:05 +0000',
  ]);
  expect(fetched.listSize).toBe(fetched.bytes.length);
  const [stored] = pop3.mailbox('alice').messages();
  expect(fetched.uid).toBe(stored!.uid);
  expect(fetched.listSize).toBe(stored!.size);
});

test('traceHeaders: false stores the bytes exactly as sent', async () => {
  pop3 = await startPop3Mock({ smtp: { traceHeaders: false }, users: { alice: 'a-pw' } });
  const raw =
    'From: s@example.com\r\nTo: alice@example.com\r\nSubject: exact\r\n\r\nbody\r\n.starts with a dot\r\n';
  await send(
    { port: pop3.smtpPort, ignoreTLS: true },
    { envelope: { from: 's@example.com', to: 'alice@example.com' }, raw },
  );
  const fetched = await fetchOverPop3(pop3.port, 'alice', 'a-pw');
  expect(fetched.bytes.toString('latin1')).toBe(raw);
  expect(fetched.listSize).toBe(Buffer.byteLength(raw));
});

test('STARTTLS with the mock CA: the Received line says ESMTPS and names the TLS version', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  await send({ port: pop3.smtpPort, requireTLS: true, tls: { ca: pop3.tls.ca } }, mail);
  const text = (await fetchOverPop3(pop3.port, 'alice', 'a-pw')).bytes.toString('latin1');
  expect(text).toMatch(/^Return-Path: <sender@example\.com>\r\nReceived: from \S+ \(\[127\.0\.0\.1\]\)\r\n/);
  expect(text).toMatch(
    /\r\n\tby localhost \(pop3-mock\) with ESMTPS \(using TLSv1\.[23] with cipher \S+\)\r\n/,
  );
});

test.each(['PLAIN', 'LOGIN'])('SMTPS with AUTH %s against the POP3 password: ESMTPSA', async (authMethod) => {
  pop3 = await startPop3Mock({ smtp: { tlsPort: 0, auth: 'required' }, users: { alice: 'a-pw' } });
  expect(pop3.smtpTlsPort).toEqual(expect.any(Number));
  const info = await send(
    {
      port: pop3.smtpTlsPort,
      secure: true,
      tls: { ca: pop3.tls.ca },
      auth: { user: 'alice', pass: 'a-pw' },
      authMethod,
    },
    mail,
  );
  expect(info.accepted).toEqual(['alice@example.com']);
  const text = (await fetchOverPop3(pop3.port, 'alice', 'a-pw')).bytes.toString('latin1');
  expect(text).toMatch(/\r\n\tby localhost \(pop3-mock\) with ESMTPSA \(using TLSv1\.[23] /);
  expect(text).toContain('Subject: over smtp\r\n');
});

test('auth required: MAIL FROM without AUTH gets 530 and nothing is stored', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'required' }, users: { alice: 'a-pw' } });
  await expect(send({ port: pop3.smtpPort, ignoreTLS: true }, mail)).rejects.toMatchObject({
    responseCode: 530,
  });
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
});

test('a wrong password gets 535', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'required' }, users: { alice: 'a-pw' } });
  await expect(
    send({ port: pop3.smtpPort, ignoreTLS: true, auth: { user: 'alice', pass: 'wrong' } }, mail),
  ).rejects.toMatchObject({ responseCode: 535 });
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
});

test('auth off: AUTH is not offered, and an unauthenticated message is delivered', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'off' }, users: { alice: 'a-pw' } });
  const ehlo = await ehloLines(pop3.smtpPort!);
  expect(ehlo[0]).toMatch(/^250-/);
  expect(ehlo.filter((line) => line.includes('AUTH'))).toEqual([]);
  await send({ port: pop3.smtpPort, ignoreTLS: true }, mail);
  expect(pop3.mailbox('alice').messages()).toHaveLength(1);
});

test('an unknown recipient gets 550 and nothing is stored', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  await expect(
    send({ port: pop3.smtpPort, ignoreTLS: true }, { ...mail, to: 'nobody@example.com' }),
  ).rejects.toMatchObject({
    responseCode: 550,
    message: expect.stringMatching(/no mailbox for nobody@example\.com/),
  });
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
});

test('createUsers: an unknown recipient becomes a user named and protected by its address', async () => {
  pop3 = await startPop3Mock({ smtp: { createUsers: true } });
  await send(
    { port: pop3.smtpPort, ignoreTLS: true },
    { ...mail, to: ['new@example.com', 'new@example.com'] },
  );
  await send({ port: pop3.smtpPort, ignoreTLS: true }, { ...mail, to: 'new@example.com', subject: 'second' });
  expect(pop3.users()).toEqual(['new@example.com']);
  const second = await fetchOverPop3(pop3.port, 'new@example.com', 'new@example.com', 2);
  expect(second.bytes.toString('latin1')).toContain('Subject: second\r\n');
  expect(pop3.mailbox('new@example.com').messages()).toHaveLength(2);
});

test('maxSize: SIZE is announced; a larger message gets 552, at MAIL FROM SIZE= or after DATA; nothing is stored', async () => {
  pop3 = await startPop3Mock({ smtp: { maxSize: 1000 }, users: { alice: 'a-pw' } });
  expect(await ehloLines(pop3.smtpPort!)).toContainEqual(expect.stringMatching(/^250[- ]SIZE 1000$/));
  // nodemailer announces the size in MAIL FROM.
  await expect(
    send({ port: pop3.smtpPort, ignoreTLS: true }, { ...mail, text: 'x'.repeat(2000) }),
  ).rejects.toMatchObject({ responseCode: 552 });
  // A client that does not: the limit holds at the end of DATA.
  const client = await RawClient.connect(pop3.smtpPort!);
  await client.command('HELO client.test');
  expect(await client.command('MAIL FROM:<s@example.com>')).toMatch(/^250 /);
  expect(await client.command('RCPT TO:<alice@example.com>')).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  expect(await client.command(`Subject: big\r\n\r\n${'y'.repeat(2000)}\r\n.`)).toMatch(/^552 /);
  await client.command('QUIT');
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
  await send({ port: pop3.smtpPort, ignoreTLS: true }, mail);
  expect(pop3.mailbox('alice').messages()).toHaveLength(1);
});

test('the smtp options are checked before anything listens, naming the path', async () => {
  await expect(startPop3Mock({ tls: false, smtp: { tlsPort: 0 } })).rejects.toThrow(
    'smtp.tlsPort: expected no smtp.tlsPort with tls: false (SMTPS needs a certificate)',
  );
  await expect(startPop3Mock({ smtp: { auth: 'yes' as 'off', maxSize: 0 } })).rejects.toThrow(
    /smtp\.auth: expected "off", "optional" or "required".*smtp\.maxSize: expected an integer from 1/,
  );
});

test('tls: false: no STARTTLS offered, plain SMTP still delivers', async () => {
  pop3 = await startPop3Mock({ tls: false, smtp: true, users: { alice: 'a-pw' } });
  expect(await ehloLines(pop3.smtpPort!)).not.toContainEqual(expect.stringMatching(/STARTTLS/));
  await send({ port: pop3.smtpPort }, mail);
  expect(pop3.mailbox('alice').messages()).toHaveLength(1);
});
