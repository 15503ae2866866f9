import { X509Certificate } from 'node:crypto';
import { createServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { type DialectFile, on, type Pop3MockOptions, rfcDialect } from '../../../src';
import { generateTlsMaterial } from '../../../src/server/tls/certificate-modes';
import {
  aliceOptions,
  capa,
  connectStls,
  PASSWORD,
  RawClient,
  USER,
  userPass,
  utf8Lines,
  withMock,
} from './helpers';

// §20 STLS (RFC 2595) and STARTTLS injection; §21.4 TLS versions; the
// certificate is always verified against the CA the mock exposes.

const texts = rfcDialect.texts;

test('§20 STLS gets +OK, the handshake starts right after its CRLF, and the session stays in AUTHORIZATION', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('STLS')).toBe(`+OK ${texts.stlsBegin}`);
    // upgradeToTls() throws if any cleartext byte followed the +OK line.
    const secure = await client.upgradeToTls(pop3.tls.ca);
    expect(secure.authorized).toBe(true);
    expect(secure.getPeerX509Certificate()!.checkIssued(new X509Certificate(pop3.tls.ca))).toBe(true);
    // Still AUTHORIZATION: STAT is refused, USER/PASS works.
    expect(await client.command('STAT')).toMatch(/^-ERR /);
    await userPass(client);
    expect(await client.command('STAT')).toBe('+OK 0 0');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    const session = await pop3.sessionEnd();
    expect(session.tls).toBe('stls');
    expect(session.user).toBe(USER);
    expect(session.commands()).toEqual(['STLS', 'STAT', 'USER alice', 'PASS ******', 'STAT', 'QUIT']);
  });
});

test('§17 §20 CAPA before STLS lists STLS; after the handshake STLS is gone and OAUTHBEARER appears', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const before = await capa(client);
    expect(before).toContain('STLS');
    expect(before).toContain('SASL PLAIN LOGIN CRAM-MD5 XOAUTH2');
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await client.upgradeToTls(pop3.tls.ca);
    const after = await capa(client);
    expect(after).not.toContain('STLS');
    expect(after).toContain('SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER');
    // Nothing else changed.
    const same = (list: string[]) => list.filter((l) => l !== 'STLS' && !l.startsWith('SASL '));
    expect(same(after)).toEqual(same(before));
  });
});

test('§20 a second STLS gets -ERR and the session goes on in TLS', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await connectStls(pop3);
    expect(await client.command('STLS')).toBe(`-ERR ${texts.tlsAlreadyActive}`);
    await userPass(client);
    expect(await client.command('STAT')).toBe('+OK 0 0');
  });
});

test('§20 STLS with an argument gets -ERR and no handshake starts', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('STLS now')).toBe(`-ERR ${texts.tooManyArguments('STLS', ['now'])}`);
    // Still cleartext POP3.
    expect(await client.command('USER bob')).toBe(`+OK ${texts.userAccepted('bob')}`);
  });
});

test('§5 §20 STLS after login gets -ERR, the session stays in TRANSACTION and in cleartext', async () => {
  await withMock(aliceOptions(['Subject: x\r\n\r\nbody\r\n']), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(client);
    expect(await client.command('STLS')).toBe(`-ERR ${texts.wrongState('STLS', 'TRANSACTION')}`);
    expect(await client.command('STAT')).toMatch(/^\+OK 1 \d+$/);
    expect(await capa(client)).not.toContain('STLS');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    const session = await pop3.sessionEnd();
    expect(session.tls).toBe('none');
  });
});

test('§20 with tls: false, STLS is not offered and gets -ERR', async () => {
  await withMock(aliceOptions([], { tls: false }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const list = await capa(client);
    expect(list).not.toContain('STLS');
    // OAUTHBEARER needs TLS, which this server can never have.
    expect(list.find((l) => l.startsWith('SASL '))).not.toContain('OAUTHBEARER');
    expect(await client.command('STLS')).toBe(`-ERR ${texts.unknownCommand('STLS', 'AUTHORIZATION')}`);
    await userPass(client);
    expect(() => pop3.tls).toThrow(/TLS is off/);
  });
});

// A dialect captured from a server that offered STLS, run without TLS: the
// server has no certificate, so neither CAPA nor STLS nor offersStls offers it.
const CAPTURED_WITH_STLS: DialectFile = {
  format: 'pop3-mock-dialect/1',
  name: 'captured',
  extends: 'rfc',
  capa: { beforeLogin: ['TOP', 'UIDL', 'USER', 'STLS'], afterLogin: ['TOP', 'UIDL'] },
};

test.each<[string, Pop3MockOptions]>([
  ['a dialect file whose CAPA listed STLS', { dialect: CAPTURED_WITH_STLS }],
  ['the dovecot dialect', { dialect: 'dovecot' }],
])(
  '§20 with tls: false and %s, CAPA lists no STLS, STLS gets -ERR and offersStls is false',
  async (_, more) => {
    await withMock(aliceOptions([], { tls: false, ...more }), async (pop3) => {
      expect(pop3.offersStls).toBe(false);
      const client = await RawClient.connect(pop3.port, utf8Lines);
      expect(await capa(client)).not.toContain('STLS');
      expect(await client.command('STLS')).toMatch(/^-ERR /);
      await userPass(client);
    });
  },
);

test('§20 injection: STLS\\r\\nCAPA\\r\\n in one write gets no CAPA reply, in cleartext or inside TLS', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    client.write('STLS\r\nCAPA\r\n');
    expect(await client.readLine()).toBe(`+OK ${texts.stlsBegin}`);
    // A cleartext CAPA reply would either be unread bytes here (startTls throws)
    // or garbage in the handshake (it fails).
    await client.upgradeToTls(pop3.tls.ca);
    // The first reply inside TLS answers the first command sent inside TLS.
    expect(await client.command('USER bob')).toBe(`+OK ${texts.userAccepted('bob')}`);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    const session = await pop3.sessionEnd();
    expect(session.commands()).toEqual(['STLS', 'USER bob', 'QUIT']);
    expect(session.replies().map((r) => r.line)).toEqual([
      session.replies()[0]!.line,
      `+OK ${texts.stlsBegin}`,
      `+OK ${texts.userAccepted('bob')}`,
      `+OK ${texts.quitAuthorization}`,
    ]);
  });
});

test('§20 injection: STLS\\r\\nUSER alice\\r\\n in one write: the USER never runs, PASS inside TLS gets -ERR', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    client.write(`STLS\r\nUSER ${USER}\r\n`);
    expect(await client.readLine()).toBe(`+OK ${texts.stlsBegin}`);
    await client.upgradeToTls(pop3.tls.ca);
    expect(await client.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.passWithoutUser}`);
    expect(await client.command('STAT')).toMatch(/^-ERR/);
    const session = pop3.sessions[0]!;
    expect(session.commands()).toEqual(['STLS', 'PASS ******', 'STAT']);
    expect(session.authAttempts()).toEqual([]);
  });
});

test('§20 a USER accepted in cleartext before STLS is forgotten after TLS', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await client.upgradeToTls(pop3.tls.ca);
    expect(await client.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.passWithoutUser}`);
    // A fresh USER inside TLS works.
    await userPass(client);
  });
});

test('§20 a client that sends cleartext instead of a ClientHello is disconnected; no fallback, session ended', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\nSTAT\r\n`);
    const rest = (await client.readToEnd()).toString('latin1');
    // At most a TLS alert record (content type 0x15); never a POP3 reply.
    expect(rest).not.toMatch(/\+OK|-ERR/);
    if (rest.length > 0) expect(rest.charCodeAt(0)).toBe(0x15);
    const session = await pop3.sessionEnd();
    expect(session.ended).toBe(true);
    expect(session.tls).toBe('none');
    expect(session.commands()).toEqual(['STLS']);
    expect(session.authAttempts()).toEqual([]);
  });
});

test('§20 requireTls: USER, PLAIN and LOGIN are missing from CAPA and refused before STLS, allowed after', async () => {
  await withMock(aliceOptions([], { requireTls: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const before = await capa(client);
    expect(before).not.toContain('USER');
    expect(before).toContain('SASL CRAM-MD5');
    expect(await client.command(`USER ${USER}`)).toBe(`-ERR ${texts.plaintextDisallowed}`);
    expect(await client.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.plaintextDisallowed}`);
    const plain = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    expect(await client.command(`AUTH PLAIN ${plain}`)).toBe(`-ERR ${texts.plaintextDisallowed}`);
    expect(await client.command('AUTH LOGIN')).toBe(`-ERR ${texts.plaintextDisallowed}`);
    expect(await client.command('AUTH XOAUTH2')).toBe(`-ERR ${texts.plaintextDisallowed}`);
    expect(pop3.sessions[0]!.authAttempts()).toEqual([]);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await client.upgradeToTls(pop3.tls.ca);
    const after = await capa(client);
    expect(after).toContain('USER');
    expect(after).toContain('SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER');
    expect(await client.command(`AUTH PLAIN ${plain}`)).toMatch(/^\+OK/);
    expect(pop3.sessions[0]!.tls).toBe('stls');
  });
});

test('§20 requireTls: USER/PASS works after STLS', async () => {
  await withMock(aliceOptions([], { requireTls: true }), async (pop3) => {
    const client = await connectStls(pop3);
    await userPass(client);
    expect(await client.command('STAT')).toBe('+OK 0 0');
  });
});

test('§20 STLS after UTF8 is allowed (the RFC permits -ERR; the mock chooses +OK)', async () => {
  await withMock(aliceOptions([], { capabilities: { utf8: true } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toMatch(/^\+OK/);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await client.upgradeToTls(pop3.tls.ca);
    await userPass(client);
  });
});

test('§21 a TLS 1.1 client is refused; the server speaks TLS 1.2 and 1.3', async () => {
  await withMock(aliceOptions([], { tlsPort: 0 }), async (pop3) => {
    const old = tlsConnect({
      port: pop3.tlsPort!,
      host: '127.0.0.1',
      ca: pop3.tls.ca,
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    const error = await new Promise<Error & { code?: string }>((resolve) => {
      old.once('secureConnect', () => resolve(new Error('handshake succeeded')));
      old.once('error', resolve);
    });
    old.destroy();
    // The server's alert (a TLS alert from the peer), not the client refusing to offer TLS 1.1.
    expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    // Control: the same client completes a handshake with a server that allows TLS 1.1.
    const lenient = createServer({
      key: pop3.tls.key,
      cert: pop3.tls.cert,
      minVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    await new Promise<void>((resolve) => lenient.listen(0, '127.0.0.1', resolve));
    try {
      const version = await new Promise<string | null>((resolve, reject) => {
        const s = tlsConnect({
          port: (lenient.address() as { port: number }).port,
          host: '127.0.0.1',
          ca: pop3.tls.ca,
          minVersion: 'TLSv1.1',
          maxVersion: 'TLSv1.1',
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        s.once('secureConnect', () => {
          resolve(s.getProtocol());
          s.destroy();
        });
        s.once('error', reject);
      });
      expect(version).toBe('TLSv1.1');
    } finally {
      await new Promise((resolve) => lenient.close(resolve));
    }
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, {
        ...utf8Lines,
        minVersion: version,
        maxVersion: version,
      });
      expect((client.socket as TLSSocket).getProtocol()).toBe(version);
      expect(client.greeting).toMatch(/^\+OK/);
      client.destroy();
    }
  });
});

test('§20 own tls: { key, cert, ca } is used for STLS and exposed as pop3.tls', async () => {
  const own = generateTlsMaterial();
  await withMock(aliceOptions([], { tls: { key: own.key, cert: own.cert, ca: own.ca } }), async (pop3) => {
    expect(pop3.tls.ca).toBe(own.ca);
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    const secure = await client.upgradeToTls(own.ca);
    expect(secure.getPeerX509Certificate()!.fingerprint256).toBe(
      new X509Certificate(own.cert).fingerprint256,
    );
    await userPass(client);
  });
  // A client trusting a different CA rejects the server.
  const other = generateTlsMaterial();
  await withMock(aliceOptions([], { tls: { key: own.key, cert: own.cert } }), async (pop3) => {
    expect(pop3.tls.ca).toBe(own.cert);
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await expect(client.upgradeToTls(other.ca)).rejects.toThrow(/certificate/i);
  });
});

test('pop3.tls.ca alone (a CA file, the control API) makes no server certificate; reading cert makes it', async () => {
  await withMock(aliceOptions([], { tls: { certificate: 'self-signed' } }), async (pop3) => {
    // The process's CA: made by an earlier test of this file, or by this read.
    const ca = pop3.tls.ca;
    // The module object itself (an import's namespace is a copy): the certificate code calls through it.
    const keyPairs = jest.spyOn(
      require('node:crypto') as typeof import('node:crypto'),
      'generateKeyPairSync',
    );
    try {
      expect(pop3.tls.ca).toBe(ca);
      expect(keyPairs).not.toHaveBeenCalled();
      const served = new X509Certificate(pop3.tls.cert);
      expect(keyPairs).toHaveBeenCalledTimes(1);
      expect(served.verify(served.publicKey)).toBe(true);
    } finally {
      keyPairs.mockRestore();
    }
  });
});

test('§20 by default nothing follows +OK to STLS; the inject-after-reply fault sends fake lines there', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    await pop3.use(on('STLS').injectAfterReply('+OK injected', '-ERR injected'));
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('STLS')).toBe(`+OK ${texts.stlsBegin}`);
    expect(await client.readLine()).toBe('+OK injected');
    expect(await client.readLine()).toBe('-ERR injected');
    // The server is in the handshake now; the client that read the fake lines still completes it.
    await client.upgradeToTls(pop3.tls.ca);
    expect(await client.command('USER bob')).toMatch(/^\+OK/);
  });
});
