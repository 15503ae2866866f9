import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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

test('traceHeaders: false stores the message as sent', async () => {
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

test('tls.maxVersion and minVersion hold for STARTTLS and SMTPS as for POP3S', async () => {
  pop3 = await startPop3Mock({
    tls: { maxVersion: 'TLSv1.2' },
    smtp: { tlsPort: 0 },
    users: { alice: 'a-pw' },
  });
  await send({ port: pop3.smtpPort, requireTLS: true, tls: { ca: pop3.tls.ca } }, mail);
  await send({ port: pop3.smtpTlsPort, secure: true, tls: { ca: pop3.tls.ca } }, mail);
  for (const number of [1, 2]) {
    const text = (await fetchOverPop3(pop3.port, 'alice', 'a-pw', number)).bytes.toString('latin1');
    expect(text).toMatch(/ with ESMTPS \(using TLSv1\.2 with cipher /);
  }
  await pop3.close();

  pop3 = await startPop3Mock({
    tls: { minVersion: 'TLSv1.3' },
    smtp: { tlsPort: 0 },
    users: { alice: 'a-pw' },
  });
  const capped = { ca: pop3.tls.ca, maxVersion: 'TLSv1.2' as const };
  await expect(send({ port: pop3.smtpPort, requireTLS: true, tls: capped }, mail)).rejects.toThrow(
    /version/i,
  );
  await expect(send({ port: pop3.smtpTlsPort, secure: true, tls: capped }, mail)).rejects.toThrow(/version/i);
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
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

/** A raw SMTP conversation up to DATA's 354, for the steps a test takes between DATA and its end. */
async function openData(port: number, recipients: readonly string[], mailFrom = 'MAIL FROM:<s@example.com>') {
  const client = await RawClient.connect(port);
  expect(client.greeting).toMatch(/^220 /);
  await client.command('EHLO client.test');
  while (!/^250 /.test(await client.readLine()));
  expect(await client.command(mailFrom)).toMatch(/^250 /);
  for (const to of recipients) expect(await client.command(`RCPT TO:<${to}>`)).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  return client;
}

test('traceHeaders: false: bare LF line ends are stored as CRLF, as every stored message', async () => {
  pop3 = await startPop3Mock({ smtp: { traceHeaders: false }, users: { alice: 'a-pw' } });
  const client = await openData(pop3.smtpPort!, ['alice@example.com']);
  expect(await client.command('Subject: bare\n\nline one\nline two\r\n.')).toMatch(/^250 /);
  await client.command('QUIT');
  const fetched = await fetchOverPop3(pop3.port, 'alice', 'a-pw');
  expect(fetched.bytes.toString('latin1')).toBe('Subject: bare\r\n\r\nline one\r\nline two\r\n');
});

test('a recipient whose user was removed between RCPT and the end of the data: 451, and nothing is stored for anyone', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw', bob: 'b-pw' } });
  const client = await openData(pop3.smtpPort!, ['alice@example.com', 'bob@example.com']);
  expect(pop3.removeUser('bob')).toBe(true);
  expect(await client.command('Subject: two\r\n\r\nfor both\r\n.')).toBe(
    '451 no mailbox for bob@example.com any more: nothing was delivered',
  );
  await client.command('QUIT');
  // All or none: alice's copy is not kept, so a retry (which meets bob's 550 at RCPT) does not give her two.
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
  // createUsers is off: no user is made for bob's address either.
  expect(pop3.users()).toEqual(['alice']);
});

test('the recipient domain is compared in any case (RFC 5321 §2.4); createUsers makes one user per address', async () => {
  // Raw SMTP: nodemailer lower-cases domains itself, other clients do not.
  const sendTo = async (to: string) => {
    const client = await openData(pop3!.smtpPort!, [to]);
    expect(await client.command('Subject: case\r\n\r\nbody\r\n.')).toMatch(/^250 /);
    await client.command('QUIT');
  };
  pop3 = await startPop3Mock({ smtp: true, users: { 'carol@example.com': 'c-pw' } });
  await sendTo('carol@Example.COM');
  expect(pop3.mailbox('carol@example.com').messages()).toHaveLength(1);
  await pop3.close();

  pop3 = await startPop3Mock({ smtp: { createUsers: true } });
  await sendTo('dave@Example.COM');
  await sendTo('dave@example.com');
  expect(pop3.users()).toEqual(['dave@example.com']);
  const second = await fetchOverPop3(pop3.port, 'dave@example.com', 'dave@example.com', 2);
  expect(second.bytes.toString('latin1')).toContain('\tfor <dave@example.com>;');
});

test('recipients whose local parts differ only in case are two users (local parts are compared as sent): each gets the message', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { Bob: 'B-pw', bob: 'b-pw' } });
  const client = await openData(pop3.smtpPort!, ['Bob@example.com', 'bob@example.com']);
  expect(await client.command('Subject: two bobs\r\n\r\nbody\r\n.')).toMatch(/^250 /);
  await client.command('QUIT');
  for (const [user, password] of [
    ['Bob', 'B-pw'],
    ['bob', 'b-pw'],
  ] as const) {
    const text = (await fetchOverPop3(pop3.port, user, password)).bytes.toString('latin1');
    expect(text).toContain(`\tfor <${user}@example.com>;`);
    expect(text).toContain('Subject: two bobs\r\n');
  }
});

test('an xn-- domain sent without SMTPUTF8 stays as sent (smtp-server gives it in Unicode): in the 550, the trace headers and the user createUsers makes; a user named in either form gets the mail', async () => {
  const ascii = 'xn--bcher-kva.example';
  pop3 = await startPop3Mock({ smtp: true, users: { [`p@${ascii}`]: 'p-pw', 'q@bücher.example': 'q-pw' } });
  const client = await RawClient.connect(pop3.smtpPort!);
  await client.command('EHLO client.test');
  while (!/^250 /.test(await client.readLine()));
  expect(await client.command(`MAIL FROM:<s@${ascii}>`)).toMatch(/^250 /);
  expect(await client.command(`RCPT TO:<nobody@${ascii}>`)).toBe(`550 no mailbox for nobody@${ascii}`);
  expect(await client.command(`RCPT TO:<p@${ascii}>`)).toMatch(/^250 /);
  expect(await client.command(`RCPT TO:<q@${ascii}>`)).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  expect(await client.command('Subject: idn\r\n\r\nbody\r\n.')).toMatch(/^250 /);
  await client.command('QUIT');
  const p = (await fetchOverPop3(pop3.port, `p@${ascii}`, 'p-pw')).bytes.toString('latin1');
  expect(p).toMatch(new RegExp(`^Return-Path: <s@${ascii}>\r\n`));
  expect(p).toContain(`\tfor <p@${ascii}>;`);
  // A user name POP3 cannot log in with outside UTF-8 mode: read in process.
  const q = pop3.mailbox('q@bücher.example').raw(1).toString('latin1');
  expect(q).toContain(`\tfor <q@${ascii}>;`);
  await pop3.close();

  pop3 = await startPop3Mock({ smtp: { createUsers: true } });
  const create = await openData(pop3.smtpPort!, [`r@${ascii}`]);
  expect(await create.command('Subject: idn\r\n\r\nbody\r\n.')).toMatch(/^250 /);
  await create.command('QUIT');
  expect(pop3.users()).toEqual([`r@${ascii}`]);
});

test('AUTH PLAIN acting for another identity (authzid) gets 535, as POP3 refuses it', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'required' }, users: { alice: 'a-pw', bob: 'b-pw' } });
  const client = await RawClient.connect(pop3.smtpPort!);
  expect(client.greeting).toMatch(/^220 /);
  await client.command('EHLO client.test');
  while (!/^250 /.test(await client.readLine()));
  const token = (authzid: string) => Buffer.from(`${authzid}\0alice\0a-pw`).toString('base64');
  expect(await client.command(`AUTH PLAIN ${token('bob')}`)).toMatch(/^535 /);
  expect(await client.command('MAIL FROM:<s@example.com>')).toMatch(/^530 /);
  // The user itself as authzid is no other identity.
  expect(await client.command(`AUTH PLAIN ${token('alice')}`)).toMatch(/^235 /);
  await client.command('QUIT');
});

test('AUTH after HELO is received "with ESMTPA" (RFC 3848 has no SMTPA); plain HELO stays "with SMTP"', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'optional' }, users: { alice: 'a-pw' } });
  const deliver = async (login: boolean) => {
    const client = await RawClient.connect(pop3!.smtpPort!);
    expect(await client.command('HELO client.test')).toMatch(/^250 /);
    if (login) {
      const token = Buffer.from('\0alice\0a-pw').toString('base64');
      expect(await client.command(`AUTH PLAIN ${token}`)).toMatch(/^235 /);
    }
    expect(await client.command('MAIL FROM:<s@example.com>')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<alice@example.com>')).toMatch(/^250 /);
    expect(await client.command('DATA')).toMatch(/^354 /);
    expect(await client.command('Subject: helo\r\n\r\nbody\r\n.')).toMatch(/^250 /);
    await client.command('QUIT');
  };
  await deliver(true);
  await deliver(false);
  const [withAuth, plain] = pop3
    .mailbox('alice')
    .messages()
    .map((m) => m.bytes.toString('latin1'));
  expect(withAuth).toMatch(/\tby [^\r]* with ESMTPA\r\n/);
  expect(plain).toMatch(/\tby [^\r]* with SMTP\r\n/);
});

test('SMTPUTF8 (RFC 6531): the trace headers keep UTF-8 addresses and say UTF8SMTP', async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 30, 5));
  pop3 = await startPop3Mock({ smtp: { createUsers: true }, clock });
  const client = await openData(
    pop3.smtpPort!,
    ['josé@example.com'],
    'MAIL FROM:<rené@example.com> SMTPUTF8',
  );
  expect(await client.command('Subject: utf8\r\n\r\nbody\r\n.')).toMatch(/^250 /);
  await client.command('QUIT');
  const [message] = pop3.mailbox('josé@example.com').messages();
  expect(message!.bytes.toString('utf8').split('\r\n').slice(0, 4)).toEqual([
    'Return-Path: <rené@example.com>',
    'Received: from client.test ([127.0.0.1])',
    '\tby localhost (pop3-mock) with UTF8SMTP',
    '\tfor <josé@example.com>; Thu, 01 Jan 2026 12:30:05 +0000',
  ]);
  // Without SMTPUTF8 a header stays ASCII, whatever the client sent.
  const plain = await openData(pop3.smtpPort!, ['josé@example.com'], 'MAIL FROM:<rené@example.com>');
  expect(await plain.command('Subject: ascii\r\n\r\nbody\r\n.')).toMatch(/^250 /);
  await plain.command('QUIT');
  const [, second] = pop3.mailbox('josé@example.com').messages();
  expect(second!.bytes.toString('latin1').split('\r\n').slice(0, 4)).toEqual([
    'Return-Path: <ren?@example.com>',
    'Received: from client.test ([127.0.0.1])',
    '\tby localhost (pop3-mock) with ESMTP',
    '\tfor <jos?@example.com>; Thu, 01 Jan 2026 12:30:05 +0000',
  ]);
});

test('close() ends an SMTP connection the client keeps half open at once', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  const socket = connect({ host: '127.0.0.1', port: pop3.smtpPort!, allowHalfOpen: true });
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('data', resolve));
  socket.write(
    'EHLO client.test\r\nMAIL FROM:<s@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\npartial',
  );
  // smtp-server's own close waits for such a client on a timer (five seconds): with
  // timers held, a close() that waited for it would never resolve and the test fails.
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'performance', 'hrtime'],
  });
  try {
    await pop3.close();
    pop3 = undefined;
    await closed;
  } finally {
    jest.useRealTimers();
  }
  expect(socket.destroyed).toBe(true);
});

test('the greeting comes as soon as the connection is set up, on the plain and the SMTPS port: no timer holds it (smtp-server waited 100 ms for early talkers)', async () => {
  pop3 = await startPop3Mock({ smtp: { tlsPort: 0 }, users: { alice: 'a-pw' } });
  const { tls } = pop3;
  // With every timer held, a greeting that waited for one never comes and the test times out.
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'performance', 'hrtime'],
  });
  try {
    const plain = connect({ host: '127.0.0.1', port: pop3.smtpPort! });
    const secure = tlsConnect({
      host: '127.0.0.1',
      port: pop3.smtpTlsPort!,
      ca: tls.ca,
      servername: 'localhost',
    });
    const greetings = await Promise.all(
      [plain, secure].map(
        (socket) =>
          new Promise<string>((resolve, reject) => {
            socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1')));
            socket.once('error', reject);
          }),
      ),
    );
    for (const socket of [plain, secure]) socket.destroy();
    expect(greetings).toEqual([expect.stringMatching(/^220 /), expect.stringMatching(/^220 /)]);
  } finally {
    jest.useRealTimers();
  }
  // Held or not, a message still goes through whole, over each port.
  await send({ port: pop3.smtpPort, ignoreTLS: true }, mail);
  await send({ port: pop3.smtpTlsPort, secure: true, tls: { ca: tls.ca } }, mail);
  expect(pop3.mailbox('alice').messages()).toHaveLength(2);
});

test('AUTH takes a user name as POP3 USER does: an address that delivers to alice is no login name of hers (535)', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'required' }, users: { alice: 'a-pw' } });
  for (const user of ['alice@example.com', 'alice@elsewhere.invalid']) {
    await expect(
      send({ port: pop3.smtpPort, ignoreTLS: true, auth: { user, pass: 'a-pw' } }, mail),
    ).rejects.toMatchObject({ responseCode: 535 });
    // The POP3 door refuses the same name and password.
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${user}`)).toMatch(/^\+OK/);
    expect(await client.command('PASS a-pw')).toMatch(/^-ERR/);
    await client.command('QUIT');
  }
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
  await send({ port: pop3.smtpPort, ignoreTLS: true, auth: { user: 'alice', pass: 'a-pw' } }, mail);
  expect(pop3.mailbox('alice').messages()).toHaveLength(1);
});
