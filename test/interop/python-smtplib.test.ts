import { type Pop3Mock, startPop3Mock } from '../../src';
import { pythonExecutable } from '../helpers/clients/python-poplib';
import { sendWithSmtplib } from '../helpers/clients/python-smtplib';
import { watchHost } from '../helpers/host-errors';
import { fetchOverPop3 } from '../helpers/pop3-fetch';

// Python's standard smtplib (driven by test/interop/python/smtp_send.py) sends
// into the SMTP intake; each message is read back with a POP3 RETR.

const host = watchHost();
afterEach(() => host.assertClean());
afterAll(() => host.stop());

let pop3: Pop3Mock;
beforeAll(async () => {
  await pythonExecutable();
}, 10_000);
afterEach(() => pop3.close());

const message = 'From: py@example.com\r\nTo: alice@example.com\r\nSubject: from python\r\n\r\nhi\r\n';
const envelope = { from: 'py@example.com', to: ['alice@example.com'] };

test('plain SMTP: delivered with Return-Path and Received naming the client', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  expect(await sendWithSmtplib({ port: pop3.smtpPort!, mode: 'plain', ...envelope }, message)).toEqual({
    ok: { refused: {} },
  });
  const fetched = await fetchOverPop3(pop3.port, 'alice', 'a-pw');
  const text = fetched.bytes.toString('latin1');
  expect(text).toMatch(
    /^Return-Path: <py@example\.com>\r\nReceived: from python\.test \(\[127\.0\.0\.1\]\)\r\n\tby localhost \(pop3-mock\) with ESMTP\r\n/,
  );
  expect(text.endsWith(`\r\n${message}`)).toBe(true);
  expect(fetched.listSize).toBe(fetched.bytes.length);
});

test('STARTTLS and login(): ESMTPSA, the body as sent', async () => {
  pop3 = await startPop3Mock({ smtp: { auth: 'required' }, users: { alice: 'a-pw' } });
  const spec = { port: pop3.smtpPort!, mode: 'starttls' as const, ca: pop3.tls.ca, ...envelope };
  expect(await sendWithSmtplib({ ...spec, user: 'alice', password: 'a-pw' }, message)).toEqual({
    ok: { refused: {} },
  });
  const text = (await fetchOverPop3(pop3.port, 'alice', 'a-pw')).bytes.toString('latin1');
  expect(text).toMatch(
    /\r\n\tby localhost \(pop3-mock\) with ESMTPSA \(using TLSv1\.[23] with cipher \S+\)\r\n/,
  );
  expect(text.endsWith(`\r\n${message}`)).toBe(true);
});

test('SMTPS: a wrong password is SMTPAuthenticationError 535; without login, 530', async () => {
  pop3 = await startPop3Mock({ smtp: { tlsPort: 0, auth: 'required' }, users: { alice: 'a-pw' } });
  const spec = { port: pop3.smtpTlsPort!, mode: 'smtps' as const, ca: pop3.tls.ca, ...envelope };
  // Two clients at once: neither delivers, so neither depends on the other (each costs the intake's wait).
  const [wrongPassword, noLogin] = await Promise.all([
    sendWithSmtplib({ ...spec, user: 'alice', password: 'nope' }, message),
    sendWithSmtplib(spec, message),
  ]);
  expect(wrongPassword).toMatchObject({ error: 'SMTPAuthenticationError', code: 535 });
  expect(noLogin).toMatchObject({ error: 'SMTPSenderRefused', code: 530 });
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
  expect(await sendWithSmtplib({ ...spec, user: 'alice', password: 'a-pw' }, message)).toEqual({
    ok: { refused: {} },
  });
  const text = (await fetchOverPop3(pop3.port, 'alice', 'a-pw')).bytes.toString('latin1');
  expect(text).toContain(' with ESMTPSA (using TLSv1.');
});

test('an unknown recipient is refused with 550; an oversized message with 552', async () => {
  pop3 = await startPop3Mock({ smtp: { maxSize: 100 }, users: { alice: 'a-pw' } });
  const spec = { port: pop3.smtpPort!, mode: 'plain' as const, from: 'py@example.com' };
  // Two clients at once: neither delivers, so neither depends on the other (each costs the intake's wait).
  const [unknown, oversized] = await Promise.all([
    sendWithSmtplib({ ...spec, to: ['ghost@example.com'] }, 'Subject: x\r\n\r\ny\r\n'),
    // smtplib announces SIZE= in MAIL FROM when the server offers SIZE.
    sendWithSmtplib({ ...spec, to: ['alice@example.com'] }, message.repeat(3)),
  ]);
  expect(unknown).toMatchObject({ error: 'SMTPRecipientsRefused', code: 550 });
  expect(oversized).toMatchObject({ error: 'SMTPSenderRefused', code: 552 });
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
});
