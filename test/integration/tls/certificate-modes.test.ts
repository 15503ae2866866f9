import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { dirname, join } from 'node:path';
import { connect } from 'node:tls';
import { type Pop3Mock, type SessionRecord, startPop3Mock, type TlsCertificateMode } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { failOnHostErrors } from '../../helpers/host-errors';
import {
  aliceOptions,
  caFile,
  nodePop3Tls,
  PASSWORD,
  pyOk,
  RawClient,
  runPython,
  USER,
  userPass,
  warmPython,
  withMock,
} from '../extensions/helpers';
import { BROKEN_MODES, curlPop3s, OPENSSL_ALERT } from './helpers';

// docs/TLS.md, "Does the client refuse a bad certificate?": each broken
// certificate against three verifying clients, over implicit TLS. The alert
// each client sends was measured with Node 20 / OpenSSL 3.0 on both sides.

installPop3Matchers();
beforeAll(warmPython);
failOnHostErrors();

const MESSAGE = 'Subject: hi\r\n\r\nbody\r\n';
const options = (certificate: TlsCertificateMode) =>
  aliceOptions([MESSAGE], { tlsPort: 0, tls: { certificate } });

/** Resolves once `count` sessions have ended. */
async function allEnded(pop3: Pop3Mock, count: number): Promise<void> {
  while (pop3.listSessions().filter((s) => s.ended).length < count) {
    await pop3.waitFor((e) => e.type === 'session-end');
  }
}

async function refusedOnce(pop3: Pop3Mock) {
  const session = await pop3.sessionEnd();
  expect(session.user).toBeUndefined();
  expect(session.commands()).toEqual([]);
  return session;
}

test('valid: curl, Python ssl and node-pop3 log in over POP3S trusting only pop3.tls.ca; no refusal recorded', async () => {
  await withMock(options('valid'), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      const curl = await curlPop3s(pop3.tlsPort!, ca.path, USER, PASSWORD);
      expect(curl.code).toBe(0);
      expect(curl.stdout.toString()).toMatch(/^1 \d+\r\n$/);
      const py = await runPython('ssl', pop3.tlsPort!, ca.path, [
        ['user', USER],
        ['pass_', PASSWORD],
        ['stat'],
        ['quit'],
      ]);
      expect(pyOk(py[2])).toEqual([1, Buffer.byteLength(MESSAGE)]);
      const node = nodePop3Tls(pop3.tlsPort!, pop3.tls.ca);
      expect(await node.STAT()).toBe(`1 ${Buffer.byteLength(MESSAGE)}`);
      await node.QUIT();
    } finally {
      await ca.remove();
    }
    await allEnded(pop3, 3);
    for (const session of pop3.listSessions()) {
      expect(session.tls).toBe('implicit');
      expect(session.user).toBe(USER);
      expect(session.tlsRefusal).toBeUndefined();
    }
    expect(pop3).not.toHaveRefusedTls();
  });
});

describe.each(BROKEN_MODES)('%s', (mode) => {
  test(`curl --cacert refuses it and never sends USER or PASS`, async () => {
    await withMock(options(mode), async (pop3) => {
      const ca = await caFile(pop3);
      try {
        const curl = await curlPop3s(pop3.tlsPort!, ca.path, USER, PASSWORD);
        expect([35, 60]).toContain(curl.code);
      } finally {
        await ca.remove();
      }
      const session = await refusedOnce(pop3);
      // curl checks the host name after the handshake and then just closes.
      const cause = mode === 'wrong-host' ? 'no-alert' : OPENSSL_ALERT[mode];
      expect(session.tlsRefusal).toMatchObject({ mode: 'implicit', cause, credentialsInPlaintext: false });
      expect(session.tlsRefusal!.stage).toBe(mode === 'wrong-host' ? 'after-handshake' : 'handshake');
      expect(pop3).toHaveRefusedTls({ cause });
    });
  });

  test(`Python ssl.create_default_context refuses it with the alert ${OPENSSL_ALERT[mode]}`, async () => {
    await withMock(options(mode), async (pop3) => {
      const ca = await caFile(pop3);
      try {
        const py = await runPython('ssl', pop3.tlsPort!, ca.path, [['user', USER]]);
        expect(py[0]).toMatchObject({ error: 'SSLCertVerificationError' });
      } finally {
        await ca.remove();
      }
      const session = await refusedOnce(pop3);
      expect(session.tlsRefusal).toMatchObject({
        mode: 'implicit',
        stage: 'handshake',
        cause: OPENSSL_ALERT[mode],
      });
      expect(session.tlsRefusal!.reason).toMatch(/alert/);
      expect(session.render()).toContain(`the client sent the alert ${OPENSSL_ALERT[mode]}`);
      expect(pop3).toHaveRefusedTls({ cause: OPENSSL_ALERT[mode] });
    });
  });

  test('Node tls (node-pop3 with tlsOptions.ca) refuses it: it closes without an alert', async () => {
    await withMock(options(mode), async (pop3) => {
      const client = nodePop3Tls(pop3.tlsPort!, pop3.tls.ca);
      await expect(client.STAT()).rejects.toThrow();
      const session = await refusedOnce(pop3);
      expect(session.tlsRefusal).toMatchObject({ mode: 'implicit', cause: 'no-alert', commandsBefore: [] });
      expect(pop3).toHaveRefusedTls({ cause: 'no-alert' });
    });
  });
});

test('toHaveRefusedTls fails, naming the command, when a later session logs in in plaintext', async () => {
  await withMock(aliceOptions([], { tlsPort: 0, tls: { certificate: 'self-signed' } }), async (pop3) => {
    const py = await runPython('ssl', pop3.tlsPort!, '', [['user', USER]]);
    expect(py[0]).toMatchObject({ error: 'SSLCertVerificationError' });
    await pop3.sessionEnd();
    // The downgrade: the same client tries again without TLS.
    await runPython('plain', pop3.port, '', [['user', USER], ['pass_', PASSWORD], ['quit']]);
    await allEnded(pop3, 2);
    expect(pop3).not.toHaveRefusedTls();
    expect(() => expect(pop3).toHaveRefusedTls()).toThrow(
      /Credentials sent in plaintext:\n {2}session 2: USER alice/,
    );
    expect(() => expect(pop3).toHaveRefusedTls({ sessionId: 1, cause: 'certificate_expired' })).toThrow(
      /session 1: implicit TLS refused at handshake: unknown_ca/,
    );
    expect(pop3).toHaveRefusedTls({ sessionId: 1, cause: ['certificate_expired', 'unknown_ca'] });
  });
});

/** The leaf certificate the server presents over POP3S, as PEM, read off the wire. */
function servedLeaf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()!.toString());
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

/** `openssl verify` of `cert` against `ca` for localhost at `at` (seconds since the epoch): its output. */
function opensslVerify(ca: string, cert: string, at: number): Promise<string> {
  return new Promise((resolve) => {
    const args = ['verify', '-CAfile', ca, '-verify_hostname', 'localhost', '-attime', String(at), cert];
    execFile('openssl', args, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

// The one problem each mode's certificate has, as openssl names it (X509_V_ERR_* numbers).
const OPENSSL_PROBLEM: Readonly<Record<TlsCertificateMode, RegExp | 'OK'>> = {
  valid: 'OK',
  expired: /^error 10 at 0 depth lookup: certificate has expired$/,
  'not-yet-valid': /^error 9 at 0 depth lookup: certificate is not yet valid$/,
  'wrong-host': /^error 62 at 0 depth lookup: hostname mismatch$/,
  'self-signed': /^error 18 at 0 depth lookup: self-signed certificate$/,
  'untrusted-ca': /^error 20 at 0 depth lookup: unable to get local issuer certificate$/,
};

// A certificate is made once per process, so a long-running CLI serves the
// same one for days: each mode must keep its one problem, and not-yet-valid
// must not come due (it once started a day after the process made it).
test.each(Object.keys(OPENSSL_PROBLEM) as TlsCertificateMode[])(
  '%s: the served certificate has its one problem now, in 25 hours and in 300 days (openssl verify -attime)',
  async (mode) => {
    await withMock(options(mode), async (pop3) => {
      const ca = await caFile(pop3);
      try {
        const cert = join(dirname(ca.path), 'served.pem');
        await writeFile(cert, await servedLeaf(pop3.tlsPort!));
        const now = Math.floor(Date.now() / 1000);
        for (const at of [now, now + 25 * 3600, now + 300 * 86_400]) {
          const out = await opensslVerify(ca.path, cert, at);
          const problems = out.split('\n').filter((line) => /^error \d+ at /.test(line));
          const expected = OPENSSL_PROBLEM[mode];
          if (expected === 'OK') {
            expect({ at, out: out.trim() }).toEqual({ at, out: `${cert}: OK` });
          } else {
            expect({ at, problems }).toEqual({ at, problems: [expect.stringMatching(expected)] });
          }
        }
      } finally {
        await ca.remove();
      }
    });
  },
);

// docs/TLS.md, "What is not a refusal": nothing here is a client refusing a
// certificate, so none of it may pass toHaveRefusedTls().

/** A TCP connection to `port` that sends `bytes` (if any), half-closes, and resolves once the server closed it. */
function sendAndClose(port: number, bytes?: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = netConnect({ port, host: '127.0.0.1' }, () => socket.end(bytes ?? ''));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const tlsFailures = (session: SessionRecord) => session.events.filter((e) => e.type === 'tls-failed');

describe('no client refused (docs/TLS.md, "What is not a refusal")', () => {
  test('a port probe on the POP3S port (connect, close, no byte) is no-handshake, not a refusal', async () => {
    await withMock(options('self-signed'), async (pop3) => {
      await sendAndClose(pop3.tlsPort!);
      const session = await pop3.sessionEnd();
      expect(tlsFailures(session)).toMatchObject([{ mode: 'implicit', cause: 'no-handshake' }]);
      expect(session.tlsRefusal).toBeUndefined();
      expect(session.render()).toContain('the client sent no handshake before it closed');
      expect(pop3).not.toHaveRefusedTls();
      expect(pop3).toHaveTlsFailure({ cause: 'no-handshake' });
    });
  });

  test('a POP3S session is not protected before its handshake: tls none while the client is silent, implicit once it shook hands', async () => {
    await withMock(options('valid'), async (pop3) => {
      const silent = netConnect({ port: pop3.tlsPort!, host: '127.0.0.1' });
      const waiting = await pop3.nextSession();
      expect(waiting.tls).toBe('none');
      expect(waiting.render()).toMatch(/^# session 1 \(not logged in\), from 127\.0\.0\.1:\d+, no TLS,/);
      expect(pop3.exportTranscripts().sessions[0]!.tls).toBe('none');
      silent.destroy();
      await pop3.sessionEnd();

      const client = connect({
        port: pop3.tlsPort!,
        host: '127.0.0.1',
        ca: pop3.tls.ca,
        servername: 'localhost',
      });
      // The greeting follows the server's end of the handshake.
      await new Promise((resolve) => client.once('data', resolve));
      expect(pop3.sessionById(2)!.tls).toBe('implicit');
      client.destroy();
      const ended = await pop3.sessionEnd();
      expect(ended.id).toBe(2);
      expect(ended.tls).toBe('implicit');
      expect(ended.events.find((e) => e.type === 'tls')).toMatchObject({ mode: 'implicit' });
    });
  });

  test('POP3 lines sent to the POP3S port are not-tls: recorded as dropped, the server closes, TLS never was', async () => {
    await withMock(options('expired'), async (pop3) => {
      await sendAndClose(pop3.tlsPort!, 'CAPA\r\n');
      const session = await pop3.sessionEnd();
      expect(tlsFailures(session)).toMatchObject([
        { cause: 'not-tls', code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
      ]);
      expect(session.events).toContainEqual(
        expect.objectContaining({ type: 'plaintext-dropped', raw: 'CAPA', cause: 'instead-of-handshake' }),
      );
      expect(session.tlsRefusal).toBeUndefined();
      // The server's TLS layer gave up: its close, and no TLS was ever up.
      expect(session.endReason).toBe('server-closed');
      expect(session.tls).toBe('none');
      expect(session.render()).toMatch(/^# session 1 \(not logged in\), .*, no TLS,/);
      expect(pop3).not.toHaveRefusedTls();
      expect(pop3).toHaveTlsFailure({ cause: 'not-tls' });
    });
  });

  test('autologout while the client stays silent on POP3S and after STLS +OK is server-ended, not a refusal', async () => {
    await withMock(
      aliceOptions([], { tlsPort: 0, autologoutMs: 300, tls: { certificate: 'self-signed' } }),
      async (pop3) => {
        const silent = new Promise<void>((resolve) => {
          const socket = netConnect({ port: pop3.tlsPort!, host: '127.0.0.1' });
          socket.on('close', () => resolve());
        });
        const stls = await RawClient.connect(pop3.port);
        expect(await stls.command('STLS')).toMatch(/^\+OK/);
        await Promise.all([silent, stls.closed()]);
        await allEnded(pop3, 2);
        for (const session of pop3.listSessions()) {
          expect(session.endReason).toBe('autologout');
          expect(tlsFailures(session)).toMatchObject([{ cause: 'server-ended' }]);
          expect(session.tlsRefusal).toBeUndefined();
          expect(session).toHaveTlsFailure({ cause: 'server-ended' });
        }
        expect(pop3).not.toHaveRefusedTls();
      },
    );
  });

  test('close() while a handshake is pending is server-ended, not a refusal', async () => {
    const pop3 = await startPop3Mock(options('untrusted-ca'));
    const silent = new Promise<void>((resolve) => {
      const socket = netConnect({ port: pop3.tlsPort!, host: '127.0.0.1' });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    await pop3.waitFor((e) => e.type === 'session-start');
    await pop3.close();
    await silent;
    const [session] = pop3.listSessions();
    expect(session!.endReason).toBe('server-closed');
    expect(tlsFailures(session!)).toMatchObject([{ cause: 'server-ended' }]);
    expect(pop3).not.toHaveRefusedTls();
    expect(pop3).toHaveTlsFailure({ cause: 'server-ended' });
  });

  test('valid, or your own certificate: a client that trusts it, reads the greeting and hangs up did not refuse it', async () => {
    const own = await startPop3Mock({ tls: {} });
    const { key, cert, ca } = own.tls;
    await own.close();
    for (const tls of [{ certificate: 'valid' as const }, { key, cert, ca }]) {
      await withMock(aliceOptions([], { tlsPort: 0, tls }), async (pop3) => {
        const client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, { servername: 'localhost' });
        expect(client.greeting).toMatch(/^\+OK/);
        client.end();
        const session = await pop3.sessionEnd();
        expect(session.endReason).toBe('client-closed');
        expect(session.tlsRefusal).toBeUndefined();
        expect(pop3).not.toHaveRefusedTls();
        expect(pop3).not.toHaveRefusedTls({ cause: 'no-alert' });
      });
    }
  });

  test('toHaveRefusedTls fails, naming the session, when a client accepts the broken certificate and logs in', async () => {
    await withMock(options('expired'), async (pop3) => {
      // A refusal first (Python), then the client under test takes the expired certificate.
      const py = await runPython('ssl', pop3.tlsPort!, '', [['user', USER]]);
      expect(py[0]).toMatchObject({ error: 'SSLCertVerificationError' });
      await pop3.sessionEnd();
      const client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, { rejectUnauthorized: false });
      await userPass(client);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      await allEnded(pop3, 2);
      expect(pop3).not.toHaveRefusedTls();
      expect(() => expect(pop3).toHaveRefusedTls()).toThrow(
        /Broken certificate accepted:\n {2}session 2: completed the implicit TLS handshake with the expired certificate, then sent USER alice/,
      );
      expect(pop3).toHaveRefusedTls({ sessionId: 1 });
    });
  });
});
