import { type Pop3Mock, rfcDialect } from '../../../src';
import { runCurl } from '../../helpers/clients/curl';
import {
  aliceOptions,
  b64,
  caFile,
  connectStls,
  RawClient,
  TOKEN,
  USER,
  unb64,
  utf8Lines,
  withMock,
} from './helpers';

// §23 XOAUTH2 (Google) and OAUTHBEARER (RFC 7628), through the raw line
// client and curl's --oauth2-bearer. OAUTHBEARER is offered only under TLS.

const texts = rfcDialect.texts;
const A = '\x01';
const xoauth2 = (user: string, token: string) => b64(`user=${user}${A}auth=Bearer ${token}${A}${A}`);
const oauthbearer = (user: string, pairs: string[]) => b64(`n,a=${user},${A}${pairs.join(A)}${A}${A}`);

/** The session is in AUTHORIZATION: STAT is refused as a wrong-state command. */
async function expectAuthorization(client: RawClient): Promise<void> {
  expect(await client.command('STAT')).toBe(`-ERR ${texts.wrongState('STAT', 'AUTHORIZATION')}`);
}

const results = (pop3: Pop3Mock) =>
  pop3.sessions.flatMap((s) => s.authAttempts().map((a) => `${a.user}:${a.mechanism}:${a.result}`));

test('§23 XOAUTH2: the Google test vector (computed here) logs the user in as an initial response', async () => {
  const user = 'someuser@example.com';
  const token = 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg';
  expect(xoauth2(user, token)).toBe(
    'dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==',
  );
  await withMock({ users: { [user]: { password: 'unused', oauthToken: token } } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command(`AUTH XOAUTH2 ${xoauth2(user, token)}`)).toMatch(/^\+OK /);
    expect(results(pop3)).toEqual([`${user}:XOAUTH2:ok`]);
  });
});

test('§23 XOAUTH2 without an initial response: "+ ", then the blob on its own line', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('AUTH XOAUTH2')).toBe('+ ');
    expect(await client.command(xoauth2(USER, TOKEN))).toMatch(/^\+OK /);
  });
});

test('§23 XOAUTH2 with a wrong token: a JSON error challenge, an empty line, then -ERR [AUTH]', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const challenge = await client.command(`AUTH XOAUTH2 ${xoauth2(USER, 'wrong-token')}`);
    expect(challenge).toMatch(/^\+ [A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(unb64(challenge.slice(2)))).toEqual({
      status: '401',
      schemes: 'bearer',
      scope: 'https://mail.google.com/',
    });
    expect(await client.command('')).toBe(`-ERR ${texts.authFailed}`);
    expect(texts.authFailed).toMatch(/^\[AUTH\] /);
    await expectAuthorization(client);
    expect(results(pop3)).toEqual([`${USER}:XOAUTH2:failed`]);
    // The state is as if AUTH was never sent: the right token works now.
    expect(await client.command(`AUTH XOAUTH2 ${xoauth2(USER, TOKEN)}`)).toMatch(/^\+OK /);
  });
});

test('§23 XOAUTH2 for a user without a token fails; a malformed blob gets -ERR without [AUTH]', async () => {
  await withMock({ users: { [USER]: 'secret' } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command(`AUTH XOAUTH2 ${xoauth2(USER, 'secret')}`)).toMatch(/^\+ /);
    expect(await client.command('')).toBe(`-ERR ${texts.authFailed}`);
    expect(await client.command(`AUTH XOAUTH2 ${b64(`user=${USER}${A}auth=${TOKEN}`)}`)).toBe(
      `-ERR ${texts.authMalformed}`,
    );
    await expectAuthorization(client);
  });
});

test('§23 a token validator function receives the token and decides', async () => {
  const seen: string[] = [];
  const oauthToken = (token: string) => {
    seen.push(token);
    return token.startsWith('valid-');
  };
  await withMock({ users: { [USER]: { password: 'x', oauthToken } } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command(`AUTH XOAUTH2 ${xoauth2(USER, 'expired-1')}`)).toMatch(/^\+ /);
    expect(await client.command('')).toBe(`-ERR ${texts.authFailed}`);
    expect(await client.command(`AUTH XOAUTH2 ${xoauth2(USER, 'valid-2')}`)).toMatch(/^\+OK /);
    expect(seen).toEqual(['expired-1', 'valid-2']);
  });
});

test('§23 OAUTHBEARER: the RFC 7628 vector (computed here); the same message for this server logs in over TLS', async () => {
  const vector = oauthbearer('user@example.com', [
    'host=server.example.com',
    'port=143',
    'auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==',
  ]);
  expect(vector).toBe(
    'bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB',
  );
  expect(b64(A)).toBe('AQ==');
  await withMock(aliceOptions(), async (pop3) => {
    const client = await connectStls(pop3);
    const own = oauthbearer(USER, ['host=localhost', `port=${pop3.port}`, `auth=Bearer ${TOKEN}`]);
    expect(await client.command(`AUTH OAUTHBEARER ${own}`)).toMatch(/^\+OK /);
    expect(results(pop3)).toEqual([`${USER}:OAUTHBEARER:ok`]);
  });
});

test('§23 OAUTHBEARER without an initial response; unknown keys ignored; "bearer" in any case', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await connectStls(pop3);
    expect(await client.command('AUTH OAUTHBEARER')).toBe('+ ');
    expect(
      await client.command(oauthbearer(USER, ['x-extra=1', `auth=bEaReR ${TOKEN}`, 'mthd=GET'])),
    ).toMatch(/^\+OK /);
  });
});

test('§23 OAUTHBEARER failure: JSON with status, scope, openid-configuration; AQ== then -ERR [AUTH]', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await connectStls(pop3);
    const challenge = await client.command(`AUTH OAUTHBEARER ${oauthbearer(USER, ['auth=Bearer wrong'])}`);
    expect(challenge).toMatch(/^\+ [A-Za-z0-9+/]+=*$/);
    const json = JSON.parse(unb64(challenge.slice(2))) as Record<string, string>;
    expect(Object.keys(json).sort()).toEqual(['openid-configuration', 'scope', 'status']);
    expect(await client.command('AQ==')).toBe(`-ERR ${texts.authFailed}`);
    await expectAuthorization(client);
    // "*" instead of AQ== cancels.
    expect(await client.command(`AUTH OAUTHBEARER ${oauthbearer(USER, ['auth=Bearer wrong'])}`)).toMatch(
      /^\+ /,
    );
    expect(await client.command('*')).toBe(`-ERR ${texts.authCancelled}`);
    await expectAuthorization(client);
    expect(results(pop3)).toEqual([`${USER}:OAUTHBEARER:failed`]);
  });
});

test('§23 OAUTHBEARER: host or port of another server fails; a lone ^A fails at once', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await connectStls(pop3);
    for (const pair of ['host=mail.example.org', `port=${pop3.port + 1}`]) {
      const reply = await client.command(
        `AUTH OAUTHBEARER ${oauthbearer(USER, [pair, `auth=Bearer ${TOKEN}`])}`,
      );
      expect(reply).toMatch(/^\+ /);
      expect(await client.command('AQ==')).toBe(`-ERR ${texts.authFailed}`);
    }
    expect(await client.command('AUTH OAUTHBEARER AQ==')).toMatch(/^-ERR /);
    await expectAuthorization(client);
  });
});

test('§23 OAUTHBEARER is not offered and is refused in cleartext', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const own = oauthbearer(USER, [`auth=Bearer ${TOKEN}`]);
    expect(await client.command(`AUTH OAUTHBEARER ${own}`)).toBe(
      `-ERR ${texts.unknownMechanism('OAUTHBEARER')}`,
    );
    await expectAuthorization(client);
  });
});

test('§23 curl --oauth2-bearer: XOAUTH2 in cleartext, OAUTHBEARER over pop3s://; a wrong token exits 67', async () => {
  const message = 'Subject: oauth\r\n\r\nhello\r\n';
  await withMock(aliceOptions([message], { tlsPort: 0 }), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      const plain = await runCurl([`${pop3.url}/1`, '-u', `${USER}:`, '--oauth2-bearer', TOKEN]);
      expect(plain.stderr.toString()).toBe('');
      expect(plain.code).toBe(0);
      expect(plain.stdout.toString()).toBe(message);
      const tls = await runCurl([
        `pop3s://127.0.0.1:${pop3.tlsPort}/1`,
        '--cacert',
        ca.path,
        '-u',
        `${USER}:`,
        '--oauth2-bearer',
        TOKEN,
      ]);
      expect(tls.code).toBe(0);
      expect(tls.stdout.toString()).toBe(message);
      const wrong = await runCurl([`${pop3.url}/1`, '-u', `${USER}:`, '--oauth2-bearer', 'wrong']);
      expect(wrong.code).toBe(67);
      const failed = await pop3.sessionEnd();
      // curl 7.88 takes the JSON error challenge as the failure and closes without answering it.
      expect(failed.replies().at(-1)!.line).toMatch(/^\+ ey/);
      expect(failed.user).toBeUndefined();
      expect(failed.endReason).toBe('client-closed');
      expect(results(pop3)).toEqual([`${USER}:XOAUTH2:ok`, `${USER}:OAUTHBEARER:ok`]);
      expect(pop3.sessions.map((s) => s.tls)).toEqual(['none', 'implicit', 'none']);
    } finally {
      await ca.remove();
    }
  });
});
