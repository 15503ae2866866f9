import { connect as netConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { rfcDialect } from '../../../src';
import { runCurl } from '../../helpers/clients/curl';
import {
  aliceOptions,
  caFile,
  capa,
  nodePop3Tls,
  PASSWORD,
  pyOk,
  pyText,
  RawClient,
  recordingRelay,
  runPython,
  USER,
  userPass,
  utf8Lines,
  warmPython,
  withMock,
} from './helpers';

// §21 Implicit TLS (RFC 8314) on `tlsPort`, with real clients verifying the
// certificate against `pop3.tls.ca`.

const texts = rfcDialect.texts;
const MESSAGE = 'From: a@example.com\r\nSubject: over TLS\r\n\r\n.dot line\r\nbody\r\n';

beforeAll(warmPython);

test('§21 on the implicit-TLS port the first octet from the server is TLS; the greeting comes after the handshake', async () => {
  await withMock(aliceOptions([], { tlsPort: 0 }), async (pop3) => {
    const relay = await recordingRelay(pop3.tlsPort!);
    try {
      const client = await RawClient.connectTls(relay.port, pop3.tls.ca, utf8Lines);
      expect(client.greeting).toBe(`+OK ${texts.greeting({ remoteAddress: '', sessionId: 0 })}`);
      const wire = relay.fromServer();
      // 0x16: a TLS handshake record. No cleartext greeting anywhere on the wire.
      expect(wire[0]).toBe(0x16);
      expect(wire.toString('latin1')).not.toContain('+OK');
      client.destroy();
    } finally {
      await relay.close();
    }
  });
});

test('§21 §17 POP3S: AUTHORIZATION after the greeting, CAPA without STLS, STLS gets -ERR, session.tls is implicit', async () => {
  await withMock(aliceOptions([MESSAGE], { tlsPort: 0 }), async (pop3) => {
    expect(pop3.tlsPort).toBeGreaterThan(0);
    expect(pop3.tlsPort).not.toBe(pop3.port);
    const client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, utf8Lines);
    expect((client.socket as TLSSocket).authorized).toBe(true);
    expect(await client.command('STAT')).toMatch(/^-ERR /);
    const list = await capa(client);
    expect(list).not.toContain('STLS');
    expect(list).toContain('USER');
    expect(list).toContain('SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER');
    expect(await client.command('STLS')).toBe(`-ERR ${texts.tlsAlreadyActive}`);
    await userPass(client);
    const retr = await client.multi('RETR 1');
    expect(`${retr.lines.join('\r\n')}\r\n`).toBe(MESSAGE);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    const session = await pop3.sessionEnd();
    expect(session.tls).toBe('implicit');
    expect(session.user).toBe(USER);
    expect(session.endReason).toBe('quit-update');
  });
});

test('§21 requireTls does not hold back USER/PASS on the implicit-TLS port', async () => {
  await withMock(aliceOptions([], { tlsPort: 0, requireTls: true }), async (pop3) => {
    const client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, utf8Lines);
    expect(await capa(client)).toContain('USER');
    await userPass(client);
  });
});

test('§21 a client that sends cleartext to the implicit-TLS port gets no greeting and the session ends', async () => {
  await withMock(aliceOptions([], { tlsPort: 0 }), async (pop3) => {
    const socket = netConnect({ port: pop3.tlsPort!, host: '127.0.0.1' });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`);
    await closed;
    const wire = Buffer.concat(received).toString('latin1');
    expect(wire).not.toMatch(/\+OK|-ERR/);
    const session = await pop3.sessionEnd();
    expect(session.ended).toBe(true);
    expect(session.commands()).toEqual([]);
    expect(session.replies()).toEqual([]);
  });
});

test('§21 a client that does not trust the CA rejects the POP3S certificate', async () => {
  await withMock(aliceOptions([], { tlsPort: 0 }), async (pop3) => {
    const socket = tlsConnect({ port: pop3.tlsPort!, host: '127.0.0.1' });
    const error = await new Promise<Error & { code?: string }>((resolve) => {
      socket.once('secureConnect', () => resolve(new Error('trusted')));
      socket.once('error', resolve);
    });
    socket.destroy();
    expect(error.code).toMatch(/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY/);
  });
});

test('§21 node-pop3 over implicit TLS (ca set, verification on): STAT, RETR, QUIT', async () => {
  await withMock(aliceOptions([MESSAGE], { tlsPort: 0 }), async (pop3) => {
    const client = nodePop3Tls(pop3.tlsPort!, pop3.tls.ca);
    const size = pop3.mailbox(USER).messages()[0]!.size;
    expect(await client.STAT()).toBe(`1 ${size}`);
    // node-pop3 keeps the stuffing and drops the final CRLF (see its helper's notes).
    expect(await client.RETR(1)).toBe(MESSAGE.replace('\r\n.dot', '\r\n..dot').slice(0, -2));
    await client.QUIT();
    const session = await pop3.sessionEnd();
    expect(session.tls).toBe('implicit');
    expect(session.commands()).toEqual(['USER alice', 'PASS ******', 'STAT', 'RETR 1', 'QUIT']);
    expect(session.endReason).toBe('quit-update');
  });
});

test('§21 curl pop3s:// with --cacert retrieves a message; without the CA it refuses', async () => {
  await withMock(aliceOptions([MESSAGE], { tlsPort: 0 }), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      const url = `pop3s://127.0.0.1:${pop3.tlsPort}/1`;
      const ok = await runCurl([url, '--cacert', ca.path, '-u', `${USER}:${PASSWORD}`]);
      expect(ok.stderr.toString()).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout.toString()).toBe(MESSAGE);
      const session = await pop3.sessionEnd();
      expect(session.tls).toBe('implicit');
      expect(session.user).toBe(USER);
      // curl's default trust store does not hold the mock's CA: exit 60 (peer certificate not verified).
      const refused = await runCurl([url, '-u', `${USER}:${PASSWORD}`]);
      expect(refused.code).toBe(60);
    } finally {
      await ca.remove();
    }
  });
});

test('§21 Python poplib.POP3_SSL (verifying context): capa, login, retr, then a TLS close_notify before the FIN', async () => {
  await withMock(aliceOptions([MESSAGE], { tlsPort: 0 }), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      const results = await runPython('ssl', pop3.tlsPort!, ca.path, [
        ['getwelcome'],
        ['tls_version'],
        ['capa'],
        ['user', USER],
        ['pass_', PASSWORD],
        ['retr', 1],
        ['quit_close_notify'],
      ]);
      expect(pyText(pyOk(results[0]))).toMatch(/^\+OK /);
      expect(['TLSv1.2', 'TLSv1.3']).toContain(pyOk(results[1]));
      const caps = pyOk(results[2]) as Record<string, string[]>;
      expect(Object.keys(caps)).not.toContain('STLS');
      expect(caps.SASL).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER']);
      const [, lines] = pyOk(results[5]) as [Buffer, Buffer[], number];
      expect(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])).toString()).toBe(MESSAGE);
      // An EOF without close_notify would have raised SSLEOFError here.
      const [quit, rest] = pyOk(results[6]) as [Buffer, Buffer];
      expect(pyText(quit)).toMatch(/^\+OK/);
      expect(rest.length).toBe(0);
      const session = await pop3.sessionEnd();
      expect(session.tls).toBe('implicit');
      expect(session.endReason).toBe('quit-update');
    } finally {
      await ca.remove();
    }
  });
});

test('§8 §21 a TLS error mid-session (corrupted record after DELE, client gone) ends it without UPDATE and releases the lock', async () => {
  await withMock(aliceOptions([MESSAGE], { tlsPort: 0 }), async (pop3) => {
    const relay = await recordingRelay(pop3.tlsPort!);
    try {
      const client = await RawClient.connectTls(relay.port, pop3.tls.ca, utf8Lines);
      await userPass(client);
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      // An application-data record whose ciphertext is garbage: the server's TLS layer fails
      // (it answers with a bad_record_mac alert); then the client goes away.
      const alert = relay.nextFromServer();
      relay.toServer(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), Buffer.alloc(32, 0xab)]));
      // The server's answer is a TLS record (its alert), never a POP3 reply.
      expect((await alert)[0]).toBe(0x17);
      client.destroy();
      const session = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 1500 });
      expect(session.endReason).not.toBe('quit-update');
      expect(session.deleted).toEqual([]);
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
    } finally {
      await relay.close();
    }
    const again = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, utf8Lines);
    await userPass(again);
    expect(await again.command('STAT')).toMatch(/^\+OK 1 /);
  });
});

test('§20 §21 after a fatal TLS error the server closes the connection itself, without waiting for the client', async () => {
  await withMock(aliceOptions([MESSAGE], { tlsPort: 0 }), async (pop3) => {
    const relay = await recordingRelay(pop3.tlsPort!);
    try {
      const client = await RawClient.connectTls(relay.port, pop3.tls.ca, utf8Lines);
      await userPass(client);
      const alert = relay.nextFromServer();
      relay.toServer(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), Buffer.alloc(32, 0xab)]));
      expect((await alert)[0]).toBe(0x17);
      // The client stays connected; the server must end the TCP connection and the session.
      const session = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 1500 });
      await relay.serverEnded();
      expect(session.deleted).toEqual([]);
      client.destroy();
    } finally {
      await relay.close();
    }
  });
});
