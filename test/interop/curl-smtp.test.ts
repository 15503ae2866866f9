import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Pop3Mock, startPop3Mock } from '../../src';
import { runCurl } from '../helpers/clients/curl';
import { watchHost } from '../helpers/host-errors';
import { fetchOverPop3 } from '../helpers/pop3-fetch';

// curl's SMTP support (libcurl 7.88 here) sends into the SMTP intake:
// `--mail-from`, `--mail-rcpt`, `--upload-file -` with the message on stdin;
// `smtps://` with `--cacert`, `--ssl-reqd` for STARTTLS, `-u` for AUTH.
// Each message is read back with a POP3 RETR.

const host = watchHost();
afterEach(() => host.assertClean());
afterAll(() => host.stop());

let pop3: Pop3Mock;
afterEach(() => pop3.close());

const message = 'From: curl@example.com\r\nTo: alice@example.com\r\nSubject: from curl\r\n\r\nhi\r\n';
const envelope = [
  '--mail-from',
  'curl@example.com',
  '--mail-rcpt',
  'alice@example.com',
  '--upload-file',
  '-',
];

test('smtp:// : delivered, Received naming the client, LIST size = RETR octets', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  const result = await runCurl([`smtp://127.0.0.1:${pop3.smtpPort}/curl.test`, ...envelope], message);
  expect(result.stderr.toString()).toBe('');
  expect(result.code).toBe(0);
  const fetched = await fetchOverPop3(pop3.port, 'alice', 'a-pw');
  const text = fetched.bytes.toString('latin1');
  expect(text).toMatch(
    /^Return-Path: <curl@example\.com>\r\nReceived: from curl\.test \(\[127\.0\.0\.1\]\)\r\n\tby localhost \(pop3-mock\) with ESMTP\r\n/,
  );
  expect(text.endsWith(`\r\n${message}`)).toBe(true);
  expect(fetched.listSize).toBe(fetched.bytes.length);
});

test('smtps:// with --cacert and AUTH: ESMTPSA', async () => {
  pop3 = await startPop3Mock({ smtp: { tlsPort: 0, auth: 'required' }, users: { alice: 'a-pw' } });
  const ca = join(tmpdir(), `pop3-mock-curl-smtp-ca-${process.pid}.pem`);
  await writeFile(ca, pop3.tls.ca);
  try {
    const url = `smtps://127.0.0.1:${pop3.smtpTlsPort}/curl.test`;
    const result = await runCurl([url, '--cacert', ca, '-u', 'alice:a-pw', ...envelope], message);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const starttls = await runCurl(
      [
        `smtp://127.0.0.1:${pop3.smtpPort}/curl.test`,
        '--ssl-reqd',
        '--cacert',
        ca,
        '-u',
        'alice:wrong',
        ...envelope,
      ],
      message,
    );
    // CURLE_LOGIN_DENIED, after the server's 535.
    expect(starttls.code).toBe(67);
  } finally {
    await rm(ca, { force: true });
  }
  expect(pop3.mailbox('alice').messages()).toHaveLength(1);
  const text = (await fetchOverPop3(pop3.port, 'alice', 'a-pw')).bytes.toString('latin1');
  expect(text).toMatch(
    /\r\n\tby localhost \(pop3-mock\) with ESMTPSA \(using TLSv1\.[23] with cipher \S+\)\r\n/,
  );
});

test('an unknown recipient: curl fails on the 550, nothing stored', async () => {
  pop3 = await startPop3Mock({ smtp: true, users: { alice: 'a-pw' } });
  const result = await runCurl(
    [
      `smtp://127.0.0.1:${pop3.smtpPort}`,
      '--mail-from',
      'curl@example.com',
      '--mail-rcpt',
      'ghost@example.com',
      '--upload-file',
      '-',
    ],
    message,
  );
  expect(result.stderr.toString()).toMatch(/550/);
  expect(result.code).not.toBe(0);
  expect(pop3.mailbox('alice').messages()).toHaveLength(0);
});
