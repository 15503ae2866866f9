// Secure defaults: loopback bind; the control channel
// requires its token; no credential in any printed output; TLS 1.2 minimum
// (RFC 8314 §4.1); STLS injection refused (RFC 2595 §4, CVE-2011-0411
// family); no user enumeration (RFC 1939 §13). SECURITY.md states these
// promises.

import { connect as netConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { inspect } from 'node:util';
import { dialects, type Pop3Mock, rfcDialect, startPop3Mock } from '../../../src';
import { controlServerOf } from '../../../src/assembly/start-pop3-mock';
import { endpoints as contract } from '../../../src/control/contract/endpoints';
import { mountUi } from '../../../src/ui';
import { OK } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { watchHost } from './support';

const watch = watchHost();
afterAll(() => watch.stop());
afterEach(() => watch.assertClean());

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('loopback bind', () => {
  test('POP3, POP3S, the control API and the SMTP intake listen on 127.0.0.1 only', async () => {
    const pop3 = await startPop3Mock({ tlsPort: 0, control: true, smtp: true });
    try {
      expect(pop3.host).toBe('127.0.0.1');
      expect(new URL(pop3.controlUrl!).hostname).toBe('127.0.0.1');
      // From a non-loopback address of this machine, every port is closed.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (external === undefined) return; // no other interface here: nothing more to try
      const ports = [pop3.port, pop3.tlsPort!, Number(new URL(pop3.controlUrl!).port), pop3.smtpPort!];
      for (const port of ports) {
        const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
          const socket = netConnect({ port, host: external });
          socket.once('connect', () => {
            socket.destroy();
            resolve(undefined);
          });
          socket.once('error', resolve);
        });
        expect(error?.code).toBe('ECONNREFUSED');
      }
    } finally {
      await pop3.close();
    }
  });
});

describe('the control channel', () => {
  const concrete = (path: string) =>
    path.replace('{user}', 'alice').replace('{id}', '1').replace('{number}', '1');

  test('every endpoint but /openapi.json refuses a request without the token, or with a wrong one, and changes nothing', async () => {
    const pop3 = await startPop3Mock({ users: { alice: 'secret' }, control: true });
    try {
      const token = pop3.controlToken!;
      const wrong = [
        undefined,
        'Bearer ',
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token}x`,
        `Basic ${token}`,
      ];
      // Every endpoint of the contract but the public one (the events stream included).
      const endpoints = Object.values(contract)
        .filter((e) => !('public' in e && e.public))
        .map((e) => [e.method, concrete(e.path)] as const);
      // Every endpoint without a token; every wrong form of it on two of them. A
      // token in the query string (sent every time) counts for nothing.
      const tries = [
        ...endpoints.map(([method, path]) => [method, path, undefined] as const),
        ...wrong.flatMap((w) => [['GET', '/api/status', w] as const, ['POST', '/api/reset', w] as const]),
      ];
      const refused = await Promise.all(
        tries.map(async ([method, path, authorization]) => {
          const res = await fetch(`${pop3.controlUrl}${path}?token=${token}`, {
            method,
            headers: authorization === undefined ? {} : { authorization },
            ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{"password":"x"}' }),
          });
          await res.body?.cancel();
          return `${method} ${path} ${authorization ?? '(none)'}: ${res.status}`;
        }),
      );
      expect(refused.filter((r) => !r.endsWith(': 401'))).toEqual([]);
      expect(refused.length).toBe(endpoints.length + 2 * wrong.length);
      // Nothing changed: the user PUT/DELETE would have touched is as it was.
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('USER alice')).toMatch(OK);
      expect(await client.command('PASS secret')).toMatch(OK);
      await client.command('QUIT');
      const ok = await fetch(`${pop3.controlUrl}/api/status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ok.status).toBe(200);
      await ok.body?.cancel();
      // The API's description is public: it holds no data of this server.
      const described = await fetch(`${pop3.controlUrl}/openapi.json`);
      expect(described.status).toBe(200);
      const description = await described.text();
      expect(description).not.toContain(token);
      expect(description).not.toContain('alice');
    } finally {
      await pop3.close();
    }
  });

  test('the browser view answers 401 without the token, and its login link wants the right one', async () => {
    const pop3 = await startPop3Mock({ users: { alice: 'secret' }, control: true });
    try {
      mountUi(pop3, controlServerOf(pop3)!);
      const token = pop3.controlToken!;
      const statuses = await Promise.all(
        [
          '/ui',
          '/ui/',
          '/ui/mailboxes',
          '/ui/mailboxes/alice',
          '/ui/faults',
          `/ui/login?token=${token.slice(0, -1)}`,
          '/ui/login',
        ].map(async (path) => {
          const res = await fetch(`${pop3.controlUrl}${path}`, { redirect: 'manual' });
          const body = await res.text();
          expect(body).not.toContain('secret');
          return `${path} ${res.status}`;
        }),
      );
      expect(statuses.filter((s) => !s.endsWith(' 401'))).toEqual([]);
      // The right link is let in (and sets the cookie).
      const login = await fetch(`${pop3.controlUrl}/ui/login?token=${token}`, { redirect: 'manual' });
      await login.body?.cancel();
      expect(login.status).not.toBe(401);
      expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    } finally {
      await pop3.close();
    }
  });

  test('the token is random per server and long enough (32 bytes)', async () => {
    const [a, b] = await Promise.all([startPop3Mock({ control: true }), startPop3Mock({ control: true })]);
    try {
      expect(a.controlToken).toMatch(/^[0-9a-f]{64}$/);
      expect(b.controlToken).not.toBe(a.controlToken);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('no credential in any printed output', () => {
  const PASSWORD = 'S3cr3t-Pa55-w0rd';
  const TOKEN = 'ya29.OAUTH-T0KEN-value';
  const plainBlob = b64(`\0bob\0${PASSWORD}`);
  const xoauth = b64(`user=carol\x01auth=Bearer ${TOKEN}\x01\x01`);
  const SECRETS = [PASSWORD, b64(PASSWORD), plainBlob, TOKEN, xoauth];

  async function sessionsWithSecrets(logger: (line: string) => void): Promise<Pop3Mock> {
    const pop3 = await startPop3Mock({
      users: {
        alice: { password: PASSWORD, messages: ['Subject: hi\n\nhello\n'] },
        bob: PASSWORD,
        carol: { password: 'other', oauthToken: TOKEN },
      },
      logger,
      control: true,
      tls: false,
    });
    const alice = await RawClient.login(pop3.port, 'alice', PASSWORD);
    expect(await alice.command('QUIT')).toMatch(OK);
    const bob = await RawClient.connect(pop3.port);
    expect(await bob.command('AUTH LOGIN')).toMatch(/^\+ /);
    expect(await bob.command(b64('bob'))).toMatch(/^\+ /);
    expect(await bob.command(b64(PASSWORD))).toMatch(OK);
    expect(await bob.command('QUIT')).toMatch(OK);
    const bob2 = await RawClient.connect(pop3.port);
    expect(await bob2.command(`AUTH PLAIN ${plainBlob}`)).toMatch(OK);
    expect(await bob2.command('QUIT')).toMatch(OK);
    const carol = await RawClient.connect(pop3.port);
    expect(await carol.command(`AUTH XOAUTH2 ${xoauth}`)).toMatch(OK);
    expect(await carol.command('QUIT')).toMatch(OK);
    const wrong = await RawClient.connect(pop3.port);
    expect(await wrong.command('USER alice')).toMatch(OK);
    expect(await wrong.command(`PASS ${PASSWORD}-typo`)).toMatch(/^-ERR/);
    wrong.destroy();
    for (const c of [alice, bob, bob2, carol]) await c.closed();
    await pop3.waitFor(() => pop3.sessions.length === 5 && pop3.sessions.every((s) => s.ended));
    return pop3;
  }

  function expectNoSecret(what: string, text: string): void {
    for (const secret of SECRETS) {
      if (text.includes(secret)) throw new Error(`${what} prints a credential (${JSON.stringify(secret)})`);
    }
  }

  test('transcripts, exports, records, the debug log, errors and the control API print none', async () => {
    const logged: string[] = [];
    const pop3 = await sessionsWithSecrets((line) => logged.push(line));
    try {
      // The secrets are really there to be printed: the structured fields hold them.
      expect(pop3.transcript({ secrets: true })).toContain(PASSWORD);

      expectNoSecret('the debug log', logged.join('\n'));
      expectNoSecret('transcript()', pop3.transcript());
      expectNoSecret('transcript({ stable: true })', pop3.transcript({ stable: true }));
      expectNoSecret('exportTranscripts()', JSON.stringify(pop3.exportTranscripts()));
      expectNoSecret('JSON.stringify(sessions)', JSON.stringify(pop3.sessions));
      expectNoSecret('commands()', pop3.commands().join('\n'));
      for (const s of pop3.sessions) {
        expectNoSecret('String(record)', String(s));
        expectNoSecret('inspect(record)', inspect(s, { depth: 10 }));
        expectNoSecret('record.commands()', s.commands().join('\n'));
      }
      let verification = '';
      try {
        pop3.verify('RETR 9');
      } catch (error) {
        verification = String(error instanceof Error ? error.message : error);
      }
      expect(verification).not.toBe('');
      expectNoSecret('a VerificationError', verification);
      const timeout = await pop3.waitFor(() => false, { timeoutMs: 10 }).catch((e: Error) => e.message);
      expectNoSecret('a WaitTimeoutError', String(timeout));

      const auth = { authorization: `Bearer ${pop3.controlToken}` };
      for (const path of [
        '/api/transcript',
        '/api/sessions',
        '/api/sessions/1',
        '/api/sessions/2/transcript',
      ]) {
        const res = await fetch(`${pop3.controlUrl}${path}`, { headers: auth });
        expect(res.status).toBe(200);
        expectNoSecret(`GET ${path}`, await res.text());
      }
    } finally {
      await pop3.close();
    }
  });

  test('console.log(pop3.mailbox(user)) prints no password or OAuth token', async () => {
    const pop3 = await sessionsWithSecrets(() => {});
    try {
      expectNoSecret('inspect(mailbox)', inspect(pop3.mailbox('alice')));
      expectNoSecret('inspect(mailbox)', inspect(pop3.mailbox('carol')));
    } finally {
      await pop3.close();
    }
  });

  test('console.log(pop3) prints no password, OAuth token or control token', async () => {
    const pop3 = await sessionsWithSecrets(() => {});
    try {
      const printed = inspect(pop3);
      expectNoSecret('inspect(pop3)', printed);
      expect(printed.includes(pop3.controlToken!)).toBe(false);
    } finally {
      await pop3.close();
    }
  });
});

describe('TLS', () => {
  function handshake(socket: TLSSocket): Promise<string> {
    return new Promise((resolve) => {
      socket.once('secureConnect', () => resolve(`ok ${socket.getProtocol()}`));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    });
  }

  test.each(['implicit', 'STLS'] as const)(
    'RFC 8314 §4.1 %s: TLS 1.1 is refused by the server, 1.2 and 1.3 work',
    async (mode) => {
      const pop3 = await startPop3Mock({ tlsPort: 0 });
      try {
        const results: string[] = [];
        for (const [min, max] of [
          ['TLSv1', 'TLSv1.1'],
          ['TLSv1.2', 'TLSv1.2'],
          ['TLSv1.3', 'TLSv1.3'],
        ] as const) {
          const options = {
            ca: pop3.tls.ca,
            servername: 'localhost',
            minVersion: min,
            maxVersion: max,
            // Let the client offer TLS 1.1 at all (OpenSSL 3 forbids it at the default level).
            ciphers: 'DEFAULT@SECLEVEL=0',
          };
          let socket: TLSSocket;
          if (mode === 'implicit') {
            socket = tlsConnect({ ...options, port: pop3.tlsPort!, host: '127.0.0.1' });
          } else {
            const client = await RawClient.connect(pop3.port);
            expect(await client.command('STLS')).toMatch(OK);
            socket = tlsConnect({ ...options, socket: client.socket });
          }
          results.push(await handshake(socket));
          socket.destroy();
        }
        // A protocol-version alert from the server, not a client-side refusal.
        expect(results).toEqual(['error ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ok TLSv1.2', 'ok TLSv1.3']);
      } finally {
        await pop3.close();
      }
    },
  );

  test('§20 STLS injection: commands pipelined after STLS run neither in plaintext nor inside TLS', async () => {
    const pop3 = await startPop3Mock({ users: { alice: 'secret' } });
    try {
      const client = await RawClient.connect(pop3.port);
      client.write('STLS\r\nCAPA\r\nUSER alice\r\n');
      expect(await client.readLine()).toBe(`+OK ${rfcDialect.texts.stlsBegin}`);
      const secure = tlsConnect({ socket: client.socket, ca: pop3.tls.ca, servername: 'localhost' });
      expect(await handshake(secure)).toMatch(/^ok /);
      // Nothing was answered in plaintext after the +OK.
      expect(client.pending.length).toBe(0);
      // Inside TLS the first reply is to the first command sent inside TLS,
      // and the pending USER from plaintext is forgotten.
      const lines: string[] = [];
      secure.on('data', (chunk: Buffer) =>
        lines.push(...chunk.toString('latin1').split('\r\n').filter(Boolean)),
      );
      secure.write('PASS secret\r\n');
      await new Promise((resolve) => secure.once('data', resolve));
      expect(lines).toEqual([`-ERR ${rfcDialect.texts.passWithoutUser}`]);
      secure.destroy();
      const record = await pop3.sessionEnd();
      expect(record.commands()).toEqual(['STLS', 'PASS ******']);
    } finally {
      await pop3.close();
    }
  });
});

describe('no user enumeration', () => {
  /** Every way to fail a login, for a known user with a wrong secret and for an unknown user. */
  async function failures(pop3: Pop3Mock, user: string): Promise<string[]> {
    const client = await RawClient.connect(pop3.port);
    const stamp = /<[^>]+>/.exec(client.greeting)?.[0] ?? '';
    const replies = [
      (await client.command(`USER ${user}`)).replace(user, '<user>'),
      await client.command('PASS wrong-password'),
      await client.command(`AUTH PLAIN ${b64(`\0${user}\0wrong-password`)}`),
      await client.command(`APOP ${user} ${'0'.repeat(32)}`),
    ];
    expect(await client.command('AUTH LOGIN')).toMatch(/^\+ /);
    expect(await client.command(b64(user))).toMatch(/^\+ /);
    replies.push(await client.command(b64('wrong-password')));
    expect(await client.command('AUTH CRAM-MD5')).toMatch(/^\+ /);
    replies.push(await client.command(b64(`${user} ${'0'.repeat(32)}`)));
    expect(stamp).not.toBe('');
    client.destroy();
    return replies;
  }

  test.each(Object.keys(dialects))(
    '%s: a known user and an unknown one fail in the same words',
    async (name) => {
      const dialect = dialects[name as keyof typeof dialects];
      const pop3 = await startPop3Mock({
        users: { alice: 'right-password' },
        dialect,
        apop: true,
        tls: false,
        capabilities: { sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5'], user: true },
      });
      try {
        const known = await failures(pop3, 'alice');
        const unknown = await failures(pop3, 'nobody');
        expect(unknown).toEqual(known);
        expect(known.slice(1).every((r) => r.startsWith('-ERR'))).toBe(true);
        expect(known).toContain(`-ERR ${dialect.texts.authFailed}`);
      } finally {
        await pop3.close();
      }
    },
  );
});
