import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connectPop3Mock, type Pop3Mock, type SessionRecord, startPop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { failOnHostErrors } from '../../helpers/host-errors';
import { failureOf } from '../../helpers/matcher-failure';
import { RawClient } from '../../helpers/raw-client';

// docs/TLS.md: toHaveRefusedTls asks whether a client refused TLS; a failure
// no client caused (a port probe, bytes that are not TLS, the server's own
// end) is asked for with toHaveTlsFailure. Asking the refusal matcher for
// such a cause fails in both forms and names the matcher to use, and so does
// a cause that is no cause at all. The same on records from the control API.

installPop3Matchers();
failOnHostErrors();

/** A TCP connection that sends `bytes` (if any), half-closes, and resolves once the server closed it. */
function sendAndClose(port: number, bytes = ''): Promise<void> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' }, () => socket.end(bytes));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

/** Node's TLS client, trusting the exposed CA: it refuses a self-signed certificate (a close, no alert). */
function refuseWithNode(pop3: Pop3Mock): Promise<void> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      port: pop3.tlsPort!,
      host: '127.0.0.1',
      ca: pop3.tls.ca,
      servername: 'localhost',
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

/** Three sessions on the POP3S port: a port probe, a client's refusal, POP3 where TLS was due. */
async function threeFailures(pop3: Pop3Mock): Promise<void> {
  await sendAndClose(pop3.tlsPort!);
  await pop3.sessionEnd();
  await refuseWithNode(pop3);
  await pop3.sessionEnd(undefined, { since: 1 });
  await sendAndClose(pop3.tlsPort!, 'CAPA\r\n');
  await pop3.sessionEnd(undefined, { since: 2 });
}

function checkMatchers(received: Pop3Mock | readonly SessionRecord[]): void {
  // Who refused: only session 2's client.
  expect(received).toHaveRefusedTls();
  expect(received).toHaveRefusedTls({ cause: 'no-alert' });
  expect(received).not.toHaveRefusedTls({ sessionId: 1 });
  expect(received).not.toHaveRefusedTls({ sessionId: 3 });

  // A cause where no client refused anything fails in both forms, naming the matcher to ask.
  for (const cause of ['no-handshake', 'not-tls', 'server-ended', 'server-error'] as const) {
    const hint = `toHaveTlsFailure({ cause: '${cause}' })`;
    // @ts-expect-error: no refusal cause; the compile error names toHaveTlsFailure.
    expect(failureOf(() => expect(received).toHaveRefusedTls({ cause }))).toContain(hint);
    // @ts-expect-error: as above.
    expect(failureOf(() => expect(received).not.toHaveRefusedTls({ cause }))).toContain(hint);
  }
  // One of a list that is no refusal is enough.
  const mixed = () =>
    // @ts-expect-error: 'no-handshake' is no refusal.
    expect(received).toHaveRefusedTls({ cause: ['no-alert', 'no-handshake'] });
  expect(failureOf(mixed)).toContain("toHaveTlsFailure({ cause: 'no-handshake' })");

  // What failed, whoever caused it.
  expect(received).toHaveTlsFailure();
  expect(received).toHaveTlsFailure({ cause: 'no-handshake' });
  expect(received).toHaveTlsFailure({ cause: ['not-tls', 'server-error'] });
  expect(received).toHaveTlsFailure({ cause: 'no-alert', sessionId: 2 });
  expect(received).not.toHaveTlsFailure({ cause: 'server-ended' });
  expect(received).not.toHaveTlsFailure({ cause: 'no-handshake', sessionId: 3 });
  expect(failureOf(() => expect(received).toHaveTlsFailure({ cause: 'unknown_ca' }))).toContain(
    'session 1: implicit TLS handshake failed: no-handshake (no client refusal)',
  );

  // A cause that is none: both forms fail, and say which was meant.
  for (const check of [
    // @ts-expect-error: a misspelt alert.
    () => expect(received).not.toHaveRefusedTls({ cause: 'unknown-ca' }),
    // @ts-expect-error: as above.
    () => expect(received).not.toHaveTlsFailure({ cause: 'unknown-ca' }),
  ]) {
    expect(failureOf(check)).toContain('unknown_ca');
  }
  // @ts-expect-error: a misspelt key.
  expect(failureOf(() => expect(received).not.toHaveTlsFailure({ cuase: 'no-handshake' }))).toContain(
    'cuase',
  );
}

function checkRecords(sessions: readonly SessionRecord[]): void {
  expect(sessions.map((s) => s.tlsFailure)).toEqual([
    { mode: 'implicit', cause: 'no-handshake', refused: false, code: '', reason: '', at: expect.any(Number) },
    expect.objectContaining({ mode: 'implicit', cause: 'no-alert', refused: true }),
    expect.objectContaining({ mode: 'implicit', cause: 'not-tls', refused: false }),
  ]);
  expect(sessions.map((s) => s.tlsRefusal?.cause)).toEqual([undefined, 'no-alert', undefined]);
  expect(sessions.map((s) => s.toJSON().tlsFailure?.cause ?? null)).toEqual([
    'no-handshake',
    'no-alert',
    'not-tls',
  ]);
}

test('in process: toHaveTlsFailure finds each failure, toHaveRefusedTls only the refusal and names toHaveTlsFailure for the rest', async () => {
  const pop3 = await startPop3Mock({ tlsPort: 0, tls: { certificate: 'self-signed' } });
  try {
    await threeFailures(pop3);
    checkMatchers(pop3);
    checkRecords(pop3.listSessions());
  } finally {
    await pop3.close();
  }
});

test('over the control API: the same records, matchers and JSON', async () => {
  const pop3 = await startPop3Mock({ tlsPort: 0, tls: { certificate: 'self-signed' }, control: true });
  const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  try {
    await threeFailures(pop3);
    const sessions = await remote.listSessions();
    checkMatchers(sessions);
    checkRecords(sessions);
    const exported = await remote.exportTranscripts();
    expect(exported.sessions.map((s) => [s.tlsFailure?.cause, s.tlsRefusal?.cause])).toEqual([
      ['no-handshake', undefined],
      ['no-alert', 'no-alert'],
      ['not-tls', undefined],
    ]);
  } finally {
    await remote.close();
    await pop3.close();
  }
});

// A line longer than the dialect's limit is never read, so it is no command; but it went over the
// wire all the same. An AUTH XOAUTH2 with a bearer token is such a line past Dovecot's 1031 octets
// before login: the credentials the refusal matcher must see, where it passed on them.

/** An `AUTH XOAUTH2` line whose token makes it `octets` long or more. */
function longAuthLine(octets: number): string {
  const token = Buffer.from(`user=alice\x01auth=Bearer ${'t'.repeat(octets)}\x01\x01`).toString('base64');
  return `AUTH XOAUTH2 ${token}`;
}

test('toHaveRefusedTls fails on credentials in a line too long to be read, sent in plaintext', async () => {
  const pop3 = await startPop3Mock({
    tlsPort: 0,
    tls: { certificate: 'self-signed' },
    dialect: 'dovecot',
    users: { alice: { password: 'pw', messages: [] } },
  });
  try {
    await refuseWithNode(pop3);
    await pop3.sessionEnd();
    // The downgrade: the same client tries again without TLS, with its token.
    const plain = await RawClient.connect(pop3.port);
    expect(await plain.command(longAuthLine(1500))).toBe('-ERR Input buffer full, aborting');
    await pop3.sessionEnd(undefined, { since: 1 });
    expect(pop3).not.toHaveRefusedTls();
    expect(failureOf(() => expect(pop3).toHaveRefusedTls())).toMatch(
      /Credentials sent in plaintext:\n {2}session 2: AUTH XOAUTH2 \*{6}\.\.\. \(not read: longer than the 1031-octet limit\)/,
    );
    expect(pop3).toHaveRefusedTls({ sessionId: 1 });
  } finally {
    await pop3.close();
  }
});

test('toHaveRefusedTls fails when a client accepts the broken certificate and sends a line too long to be read', async () => {
  const pop3 = await startPop3Mock({
    tlsPort: 0,
    tls: { certificate: 'self-signed' },
    users: { alice: { password: 'pw', messages: [] } },
  });
  try {
    const client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, { rejectUnauthorized: false });
    expect(await client.command(longAuthLine(6200))).toBe('-ERR line too long');
    client.destroy();
    const session = await pop3.sessionEnd();
    // Closed by the client after a line it sent over TLS: no refusal, though no command was read.
    expect(session.tlsRefusal).toBeUndefined();
    expect(pop3).not.toHaveRefusedTls();
    expect(failureOf(() => expect(pop3).toHaveRefusedTls())).toMatch(
      /Broken certificate accepted:\n {2}session 1: completed the implicit TLS handshake with the self-signed certificate, then sent AUTH XOAUTH2 \*{6}\.\.\. \(not read: longer than the 8192-octet limit\)/,
    );
  } finally {
    await pop3.close();
  }
});
