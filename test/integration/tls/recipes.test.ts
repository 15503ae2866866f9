import { execFile } from 'node:child_process';
import { connect } from 'node:tls';
import { on } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { runCurl } from '../../helpers/clients/curl';
import { failOnHostErrors } from '../../helpers/host-errors';
import {
  aliceOptions,
  caFile,
  PASSWORD,
  RawClient,
  runPython,
  USER,
  warmPython,
  withMock,
} from '../extensions/helpers';

// docs/TLS.md recipes beyond the certificate modes: old protocol versions,
// STLS stripped or failing, and trusting the exposed CA.

installPop3Matchers();
beforeAll(warmPython);
failOnHostErrors();

const curlStls = (port: number, cafile: string) =>
  runCurl([`pop3://127.0.0.1:${port}/`, '--ssl-reqd', '--cacert', cafile, '-u', `${USER}:${PASSWORD}`]);

test('a TLS 1.0-only server: Node, Python and curl fail against it by default; curl refuses (its alert), Node and Python meet an abort by the server (server-error, server-closed)', async () => {
  await withMock(aliceOptions([], { tlsPort: 0, tls: { maxVersion: 'TLSv1' } }), async (pop3) => {
    // Node's default client (minimum TLS 1.2): the server finds no version in common.
    const node = await new Promise<string>((resolve) => {
      const s = connect({ port: pop3.tlsPort!, host: '127.0.0.1', ca: pop3.tls.ca });
      s.on('secureConnect', () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(node).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    // The server gave up on the ClientHello: its own abort, so its close, and no client refusal.
    const nodeSession = await pop3.sessionEnd();
    expect(nodeSession.endReason).toBe('server-closed');
    expect(nodeSession.tlsRefusal).toBeUndefined();
    expect(nodeSession).toHaveTlsFailure({ cause: 'server-error' });
    expect(nodeSession.events).toContainEqual(
      expect.objectContaining({
        type: 'tls-failed',
        cause: 'server-error',
        code: 'ERR_SSL_UNSUPPORTED_PROTOCOL',
      }),
    );
    const ca = await caFile(pop3);
    try {
      const py = await runPython('ssl', pop3.tlsPort!, ca.path, [['user', USER]]);
      expect(py[0]).toMatchObject({ error: 'SSLError' });
      const pySession = await pop3.sessionEnd();
      expect(pySession.endReason).toBe('server-closed');
      expect(pySession).toHaveTlsFailure({ cause: 'server-error' });
      expect(pySession).not.toHaveRefusedTls();
      // curl gets further (its OpenSSL allows the version) and refuses TLS 1.0's SHA-1 signature itself.
      const curl = await runCurl([
        `pop3s://127.0.0.1:${pop3.tlsPort}/`,
        '--cacert',
        ca.path,
        '-u',
        `${USER}:${PASSWORD}`,
      ]);
      expect(curl.code).toBe(35);
      const curlSession = await pop3.sessionEnd();
      expect(curlSession.tlsRefusal).toMatchObject({ cause: 'internal_error' });
      expect(curlSession.endReason).toBe('client-closed');
    } finally {
      await ca.remove();
    }
    expect(pop3).toHaveRefusedTls();
  });
});

test('a TLS 1.0-only server really speaks TLS 1.0: a client that allows it (security level 0) logs in', async () => {
  await withMock(
    aliceOptions([], { tlsPort: 0, tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1' } }),
    async (pop3) => {
      const protocol = await new Promise<string | null>((resolve, reject) => {
        const s = connect({
          port: pop3.tlsPort!,
          host: '127.0.0.1',
          ca: pop3.tls.ca,
          minVersion: 'TLSv1',
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        s.on('secureConnect', () => {
          resolve(s.getProtocol());
          s.end('QUIT\r\n');
        });
        s.on('error', reject);
      });
      expect(protocol).toBe('TLSv1');
      const session = await pop3.sessionEnd();
      expect(session.tls).toBe('implicit');
      expect(session.tlsRefusal).toBeUndefined();
    },
  );
});

test('maxVersion TLSv1.2: a TLS 1.3 client settles on TLS 1.2', async () => {
  await withMock(aliceOptions([], { tlsPort: 0, tls: { maxVersion: 'TLSv1.2' } }), async (pop3) => {
    const protocol = await new Promise<string | null>((resolve, reject) => {
      const s = connect({ port: pop3.tlsPort!, host: '127.0.0.1', ca: pop3.tls.ca }, () => {
        resolve(s.getProtocol());
        s.end('QUIT\r\n');
      });
      s.on('error', reject);
    });
    expect(protocol).toBe('TLSv1.2');
  });
});

test('STLS stripped from CAPA: curl --ssl-reqd and Python stls() never log in in plaintext', async () => {
  await withMock(aliceOptions([], { capabilities: { stls: false } }), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      const curl = await curlStls(pop3.port, ca.path);
      expect(curl.code).toBe(64); // CURLE_USE_SSL_FAILED
      const py = await runPython('plain', pop3.port, ca.path, [['stls'], ['user', USER]]);
      expect(py[0]).toMatchObject({ error: 'error_proto' });
    } finally {
      await ca.remove();
    }
    await pop3.sessionEnd();
    // curl sent nothing after CAPA; the Python script goes on to USER as told (its stls() raised),
    // but no password ever crossed in plaintext.
    expect(pop3).toHaveReceivedCommand('USER *', { times: 1 });
    expect(pop3).not.toHaveReceivedCommand('PASS *');
  });
});

test('STLS that fails mid-handshake: curl --ssl-reqd gives up and never sends USER or PASS', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    await pop3.use(on('STLS').failHandshake());
    const ca = await caFile(pop3);
    try {
      const curl = await curlStls(pop3.port, ca.path);
      expect(curl.code).not.toBe(0);
    } finally {
      await ca.remove();
    }
    const session = await pop3.sessionEnd();
    expect(session.faults.map((f) => f.action)).toEqual(['stls-handshake-failure']);
    expect(pop3).toHaveTlsFailure({ cause: 'server-ended' });
    expect(pop3).not.toHaveReceivedCommand('USER *');
    expect(pop3).not.toHaveReceivedCommand('PASS *');
  });
});

test('STLS with an expired certificate: curl --ssl-reqd refuses it; CAPA and STLS were the only plaintext', async () => {
  await withMock(aliceOptions([], { tls: { certificate: 'expired' } }), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      expect((await curlStls(pop3.port, ca.path)).code).toBe(60);
    } finally {
      await ca.remove();
    }
    const session = await pop3.sessionEnd();
    expect(session.tlsRefusal).toMatchObject({
      mode: 'stls',
      cause: 'certificate_expired',
      commandsBefore: ['CAPA', 'STLS'],
      commandsAfter: [],
      credentialsInPlaintext: false,
    });
    expect(session.toJSON().tlsRefusal).toMatchObject({ mode: 'stls', cause: 'certificate_expired' });
    expect(pop3).toHaveRefusedTls({ cause: 'certificate_expired' });
  });
});

// docs/TLS.md, "Plaintext dropped around STLS": dropped unread (CVE-2011-0411
// class), and recorded, so a password sent there is not lost from sight.

test('STLS, then USER and PASS in plaintext instead of a handshake: dropped, recorded masked, counted as plaintext credentials', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`);
    await client.closed();
    const session = await pop3.sessionEnd();
    expect(session.commands()).toEqual(['STLS']);
    expect(session.user).toBeUndefined();
    const dropped = session.toJSON().events.filter((e) => e.type === 'plaintext-dropped');
    expect(dropped).toMatchObject([
      { raw: `USER ${USER}`, cause: 'instead-of-handshake' },
      { raw: 'PASS ******', cause: 'instead-of-handshake' },
    ]);
    expect(session.render()).toContain(
      'C: PASS ******   <- dropped unread: sent instead of the TLS handshake',
    );
    expect(session.render()).not.toContain(PASSWORD);
    expect(pop3).not.toHaveReceivedCommand('PASS *');
    expect(pop3).not.toHaveRefusedTls();
    expect(pop3).toHaveTlsFailure({ cause: 'not-tls' });
    expect(() => expect(pop3).toHaveRefusedTls()).toThrow(
      /Credentials sent in plaintext:\n {2}session 1: USER alice \(dropped unread: instead-of-handshake\)\n {2}session 1: PASS \*{6}/,
    );
  });
});

test('USER and PASS pipelined after STLS, then the client refuses the expired certificate: credentialsInPlaintext', async () => {
  await withMock(aliceOptions([], { tls: { certificate: 'expired' } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    client.write(`STLS\r\nUSER ${USER}\r\nPASS ${PASSWORD}\r\n`);
    expect(await client.readLine()).toMatch(/^\+OK/);
    await expect(client.upgradeToTls(pop3.tls.ca, { servername: 'localhost' })).rejects.toThrow(/expired/);
    const session = await pop3.sessionEnd();
    expect(session.tlsRefusal).toMatchObject({
      mode: 'stls',
      stage: 'handshake',
      credentialsInPlaintext: true,
    });
    expect(session.toJSON().events.filter((e) => e.type === 'plaintext-dropped')).toMatchObject([
      { raw: `USER ${USER}`, cause: 'after-stls' },
      { raw: 'PASS ******', cause: 'after-stls' },
    ]);
    expect(pop3).not.toHaveRefusedTls();
    expect(() => expect(pop3).toHaveRefusedTls()).toThrow(
      /session 1: PASS \*{6} \(dropped unread: after-stls\)/,
    );
  });
});

test('a SASL response pipelined after STLS (AUTH PLAIN, then its base64) is masked whole wherever it is printed', async () => {
  await withMock(aliceOptions([], { tls: { certificate: 'expired' } }), async (pop3) => {
    const response = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    const client = await RawClient.connect(pop3.port);
    client.write(`STLS\r\nAUTH PLAIN\r\n${response}\r\n`);
    expect(await client.readLine()).toMatch(/^\+OK/);
    await expect(client.upgradeToTls(pop3.tls.ca, { servername: 'localhost' })).rejects.toThrow(/expired/);
    const session = await pop3.sessionEnd();
    expect(session.toJSON().events.filter((e) => e.type === 'plaintext-dropped')).toMatchObject([
      { raw: 'AUTH PLAIN', cause: 'after-stls' },
      { raw: '******', cause: 'after-stls' },
    ]);
    expect(session.render()).not.toContain(response);
    expect(session.render({ secrets: true })).toContain(response);
  });
});

test('trusting the exposed CA: NODE_EXTRA_CA_CERTS lets a default Node client in, and without it the same client refuses', async () => {
  await withMock(aliceOptions([], { tlsPort: 0 }), async (pop3) => {
    const ca = await caFile(pop3);
    const script = `const s = require('node:tls').connect({ port: ${pop3.tlsPort}, host: 'localhost' });
      s.on('secureConnect', () => { console.log('ok'); s.end('QUIT\\r\\n'); });
      s.on('error', (e) => console.log(e.code));`;
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['-e', script], { env, timeout: 10_000 }, (error, stdout) =>
          error ? reject(error) : resolve(stdout.trim()),
        ),
      );
    try {
      const { NODE_EXTRA_CA_CERTS: _, ...plain } = process.env;
      expect(await run({ ...plain, NODE_EXTRA_CA_CERTS: ca.path })).toBe('ok');
      expect(await run(plain)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await ca.remove();
    }
    while (pop3.listSessions().filter((r) => r.ended).length < 2) {
      await pop3.waitFor((e) => e.type === 'session-end');
    }
    expect(pop3.listSessions()[0]!.tlsRefusal).toBeUndefined();
    expect(pop3).toHaveRefusedTls({ sessionId: 2, cause: 'no-alert' });
  });
});
