import { rfcDialect } from '../../../src';
import {
  aliceOptions,
  b64,
  capa,
  hmacMd5hex,
  PASSWORD,
  RawClient,
  USER,
  unb64,
  userPass,
  utf8Lines,
  withMock,
} from './helpers';

// §22 AUTH and §23 SASL mechanisms PLAIN, LOGIN and CRAM-MD5 (RFC 5034, 4616,
// 2195, draft-murchison-sasl-login), through the raw line client. XOAUTH2 and
// OAUTHBEARER are in oauth.test.ts.

const texts = rfcDialect.texts;
const TIM = { tim: 'tanstaaftanstaaf' };
const USERNAME_CHALLENGE = '+ VXNlcm5hbWU6';
const PASSWORD_CHALLENGE = '+ UGFzc3dvcmQ6';

/** The session is in AUTHORIZATION: STAT is refused as a wrong-state command. */
async function expectAuthorization(client: RawClient): Promise<void> {
  expect(await client.command('STAT')).toBe(`-ERR ${texts.wrongState('STAT', 'AUTHORIZATION')}`);
}

/** A client of a fresh mock with alice/secret and the RFC test user tim. */
async function withClient(fn: (client: RawClient, pop3: import('../../../src').Pop3Mock) => Promise<void>) {
  await withMock({ ...aliceOptions(), users: { ...aliceOptions().users, ...TIM } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    await fn(client, pop3);
  });
}

test('§23 PLAIN test vector from RFC 4616 as an initial response logs tim in', async () => {
  expect(b64('\0tim\0tanstaaftanstaaf')).toBe('AHRpbQB0YW5zdGFhZnRhbnN0YWFm');
  await withClient(async (client, pop3) => {
    expect(await client.command('AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm')).toBe(
      `+OK ${texts.loggedIn(0, 0)}`,
    );
    expect(await client.command('STAT')).toBe('+OK 0 0');
    expect(
      pop3.sessions[0]!.authAttempts().map(({ user, mechanism, result }) => [user, mechanism, result]),
    ).toEqual([['tim', 'PLAIN', 'ok']]);
  });
});

test('§22 §23 PLAIN without initial response: the empty challenge is exactly "+ ", then the response', async () => {
  await withClient(async (client) => {
    client.write('AUTH PLAIN\r\n');
    expect(await client.readLine()).toBe('+ ');
    expect(await client.command(b64(`\0${USER}\0${PASSWORD}`))).toMatch(/^\+OK /);
  });
});

test('§22 mechanism names are case-insensitive', async () => {
  await withClient(async (client) => {
    expect(await client.command(`auth pLaIn ${b64(`\0${USER}\0${PASSWORD}`)}`)).toMatch(/^\+OK /);
  });
});

test('§23 PLAIN: an authzid equal to the user works; a different authzid fails with [AUTH]', async () => {
  await withClient(async (client, pop3) => {
    expect(await client.command(`AUTH PLAIN ${b64(`tim\0${USER}\0${PASSWORD}`)}`)).toBe(
      `-ERR ${texts.authFailed}`,
    );
    expect(texts.authFailed).toMatch(/^\[AUTH\] /);
    await expectAuthorization(client);
    expect(await client.command(`AUTH PLAIN ${b64(`${USER}\0${USER}\0${PASSWORD}`)}`)).toMatch(/^\+OK /);
    expect(pop3.sessions[0]!.authAttempts().map((a) => a.result)).toEqual(['failed', 'ok']);
  });
});

test.each([
  ['one NUL', `${USER}\0${PASSWORD}`],
  ['three NULs', `\0${USER}\0${PASSWORD}\0`],
  ['no NUL', `${USER}${PASSWORD}`],
])('§23 PLAIN with %s is malformed: -ERR without [AUTH], AUTHORIZATION kept', async (_name, message) => {
  await withClient(async (client, pop3) => {
    expect(await client.command(`AUTH PLAIN ${b64(message)}`)).toBe(`-ERR ${texts.authMalformed}`);
    await expectAuthorization(client);
    expect(pop3.sessions[0]!.authAttempts()).toEqual([]);
  });
});

test('§23 PLAIN: fields of 255 octets and UTF-8 passwords are accepted', async () => {
  const long = 'p'.repeat(255);
  const utf8 = 'pässwörd ✓';
  await withMock({ users: { [USER]: long, bob: utf8 } }, async (pop3) => {
    const a = await RawClient.connect(pop3.port, utf8Lines);
    expect(await a.command(`AUTH PLAIN ${b64(`\0${USER}\0${long}`)}`)).toMatch(/^\+OK /);
    const b = await RawClient.connect(pop3.port, utf8Lines);
    expect(await b.command(`AUTH PLAIN ${b64(`\0bob\0${utf8}`)}`)).toMatch(/^\+OK /);
  });
});

test('§23 LOGIN: Username: then Password: challenges, then +OK', async () => {
  expect(b64('Username:')).toBe('VXNlcm5hbWU6');
  expect(b64('Password:')).toBe('UGFzc3dvcmQ6');
  await withClient(async (client, pop3) => {
    expect(await client.command('AUTH LOGIN')).toBe(USERNAME_CHALLENGE);
    expect(await client.command(b64(USER))).toBe(PASSWORD_CHALLENGE);
    expect(await client.command(b64(PASSWORD))).toMatch(/^\+OK /);
    expect(pop3.sessions[0]!.authAttempts()[0]).toMatchObject({
      user: USER,
      mechanism: 'LOGIN',
      result: 'ok',
    });
  });
});

test('§23 LOGIN with the user name as initial response asks only for the password', async () => {
  await withClient(async (client) => {
    expect(await client.command(`AUTH LOGIN ${b64(USER)}`)).toBe(PASSWORD_CHALLENGE);
    expect(await client.command(b64(PASSWORD))).toMatch(/^\+OK /);
  });
});

test('§22 an initial response of "=" is present but empty: LOGIN takes it as the (empty) user name', async () => {
  await withClient(async (client) => {
    // Not "no initial response" (that would be the Username: challenge).
    expect(await client.command('AUTH LOGIN =')).toBe(PASSWORD_CHALLENGE);
    expect(await client.command(b64(PASSWORD))).toBe(`-ERR ${texts.authFailed}`);
    await expectAuthorization(client);
  });
});

test('§23 LOGIN with a wrong password gets -ERR [AUTH] and AUTHORIZATION is kept', async () => {
  await withClient(async (client) => {
    expect(await client.command(`AUTH LOGIN ${b64(USER)}`)).toBe(PASSWORD_CHALLENGE);
    expect(await client.command(b64('wrong'))).toBe(`-ERR ${texts.authFailed}`);
    await expectAuthorization(client);
    await userPass(client);
  });
});

test('§23 CRAM-MD5 test vectors of RFC 2195 (computed here)', () => {
  const challenge = '<1896.697170952@postoffice.reston.mci.net>';
  expect(b64(challenge)).toBe('PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+');
  const digest = hmacMd5hex('tanstaaftanstaaf', challenge);
  expect(digest).toBe('b913a602c7eda7a495b4e6e7334d3890');
  expect(b64(`tim ${digest}`)).toBe('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw');
});

test('§23 CRAM-MD5: a msg-id-like challenge, answered with user SP hex HMAC-MD5, logs tim in', async () => {
  await withClient(async (client, pop3) => {
    const line = await client.command('AUTH CRAM-MD5');
    expect(line).toMatch(/^\+ [A-Za-z0-9+/]+=*$/);
    const challenge = unb64(line.slice(2));
    expect(challenge).toMatch(/^<[^<>@\s]+\.\d+@localhost>$/);
    expect(await client.command(b64(`tim ${hmacMd5hex('tanstaaftanstaaf', challenge)}`))).toMatch(/^\+OK /);
    expect(pop3.sessions[0]!.authAttempts()[0]).toMatchObject({
      user: 'tim',
      mechanism: 'CRAM-MD5',
      result: 'ok',
    });
  });
});

test('§23 CRAM-MD5: every attempt gets a fresh challenge; the hostname option names the host', async () => {
  await withMock({ ...aliceOptions(), hostname: 'pop.example.test' }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const first = unb64((await client.command('AUTH CRAM-MD5')).slice(2));
    expect(await client.command('*')).toBe(`-ERR ${texts.authCancelled}`);
    const second = unb64((await client.command('AUTH CRAM-MD5')).slice(2));
    expect(first).toMatch(/@pop\.example\.test>$/);
    expect(second).not.toBe(first);
    // A response computed for the first challenge fails on the second.
    expect(await client.command(b64(`${USER} ${hmacMd5hex(PASSWORD, first)}`))).toBe(
      `-ERR ${texts.authFailed}`,
    );
    await expectAuthorization(client);
  });
});

test('§22 an initial response to CRAM-MD5 (server-first) gets -ERR', async () => {
  await withClient(async (client) => {
    expect(await client.command(`AUTH CRAM-MD5 ${b64(`${USER} 0123456789abcdef0123456789abcdef`)}`)).toMatch(
      /^-ERR /,
    );
    await expectAuthorization(client);
  });
});

test.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])(
  '§22 "*" cancels %s: -ERR, no login attempt, AUTHORIZATION kept',
  async (mechanism) => {
    await withClient(async (client, pop3) => {
      expect(await client.command(`AUTH ${mechanism}`)).toMatch(/^\+ /);
      expect(await client.command('*')).toBe(`-ERR ${texts.authCancelled}`);
      await expectAuthorization(client);
      expect(pop3.sessions[0]!.authAttempts()).toEqual([]);
      await userPass(client);
    });
  },
);

test.each(['=AAA', 'AAA=BBB', 'AH!p', 'AHRpbQ', 'AHRp bQ=='])(
  '§22 invalid base64 %j gets -ERR, as initial response and as continuation',
  async (bad) => {
    await withClient(async (client) => {
      expect(await client.command(`AUTH PLAIN ${bad}`)).toMatch(/^-ERR /);
      await expectAuthorization(client);
      expect(await client.command('AUTH PLAIN')).toBe('+ ');
      expect(await client.command(bad)).toBe(`-ERR ${texts.authMalformed}`);
      await expectAuthorization(client);
      expect(await client.command('AUTH LOGIN')).toBe(USERNAME_CHALLENGE);
      expect(await client.command(bad)).toBe(`-ERR ${texts.authMalformed}`);
      await expectAuthorization(client);
    });
  },
);

test('§22 an unsupported mechanism gets -ERR; AUTH without a mechanism gets -ERR (strict profile)', async () => {
  await withClient(async (client) => {
    expect(await client.command('AUTH GSSAPI')).toBe(`-ERR ${texts.unknownMechanism('GSSAPI')}`);
    expect(await client.command('AUTH')).toBe(`-ERR ${texts.missingArgument('AUTH')}`);
    await expectAuthorization(client);
    await userPass(client);
  });
});

test('§22 a wrong password gets -ERR [AUTH]; the client may retry with another mechanism', async () => {
  await withClient(async (client, pop3) => {
    expect(await client.command(`AUTH PLAIN ${b64(`\0${USER}\0wrong`)}`)).toBe(`-ERR ${texts.authFailed}`);
    const line = await client.command('AUTH CRAM-MD5');
    expect(await client.command(b64(`${USER} ${hmacMd5hex('wrong', unb64(line.slice(2)))}`))).toBe(
      `-ERR ${texts.authFailed}`,
    );
    await expectAuthorization(client);
    expect(await client.command(`AUTH LOGIN ${b64(USER)}`)).toBe(PASSWORD_CHALLENGE);
    expect(await client.command(b64(PASSWORD))).toMatch(/^\+OK /);
    expect(pop3.sessions[0]!.authAttempts().map((a) => `${a.mechanism}:${a.result}`)).toEqual([
      'PLAIN:failed',
      'CRAM-MD5:failed',
      'LOGIN:ok',
    ]);
  });
});

test('§22 AUTH after a successful AUTH (or USER/PASS) gets -ERR and the session stays in TRANSACTION', async () => {
  await withClient(async (client, pop3) => {
    const plain = `AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`;
    expect(await client.command(plain)).toMatch(/^\+OK /);
    expect(await client.command(plain)).toBe(`-ERR ${texts.wrongState('AUTH', 'TRANSACTION')}`);
    expect(await client.command('AUTH CRAM-MD5')).toBe(`-ERR ${texts.wrongState('AUTH', 'TRANSACTION')}`);
    expect(await client.command('STAT')).toBe('+OK 0 0');
    expect(pop3.sessions[0]!.authAttempts()).toHaveLength(1);
    const other = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(other, 'tim', TIM.tim);
    expect(await other.command('AUTH PLAIN')).toBe(`-ERR ${texts.wrongState('AUTH', 'TRANSACTION')}`);
  });
});

test('§17 §22 SASL is still listed in CAPA after a successful AUTH', async () => {
  await withClient(async (client) => {
    const before = await capa(client);
    expect(await client.command(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toMatch(/^\+OK /);
    const after = await capa(client);
    expect(after).toContain('SASL PLAIN LOGIN CRAM-MD5 XOAUTH2');
    expect(after).toEqual(before.filter((l) => l !== 'STLS'));
  });
});

test('§22 capabilities.sasl chooses the mechanisms; an empty list removes AUTH', async () => {
  await withMock(aliceOptions([], { capabilities: { sasl: ['CRAM-MD5', 'PLAIN'] } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect((await capa(client)).filter((l) => l.startsWith('SASL'))).toEqual(['SASL CRAM-MD5 PLAIN']);
    expect(await client.command('AUTH LOGIN')).toBe(`-ERR ${texts.unknownMechanism('LOGIN')}`);
  });
  await withMock(aliceOptions([], { capabilities: { sasl: [] } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect((await capa(client)).filter((l) => l.startsWith('SASL'))).toEqual([]);
    expect(await client.command('AUTH PLAIN')).toBe(`-ERR ${texts.unknownCommand('AUTH', 'AUTHORIZATION')}`);
  });
});

test('§22 AUTH lines and continuation lines longer than 255 octets (6 KB) are accepted', async () => {
  const password = 'x'.repeat(4500);
  await withMock({ users: { [USER]: password } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const response = b64(`\0${USER}\0${password}`);
    expect(response.length).toBeGreaterThan(6000);
    expect(await client.command(`AUTH PLAIN ${response}`)).toMatch(/^\+OK /);
    const other = await RawClient.connect(pop3.port, utf8Lines);
    expect(await other.command('AUTH PLAIN')).toBe('+ ');
    expect(await other.command(response)).toBe(`-ERR ${texts.mailboxInUse}`);
  });
});

test('§22 compat profile: a dialect with authListsMechanisms answers a bare AUTH with the mechanism list', async () => {
  await withMock(
    aliceOptions([], { dialect: { ...rfcDialect, authListsMechanisms: true } }),
    async (pop3) => {
      const client = await RawClient.connect(pop3.port, utf8Lines);
      const reply = await client.multi('AUTH');
      expect(reply.status).toBe(`+OK ${texts.authMechanismList}`);
      expect(reply.lines).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']);
      await userPass(client);
    },
  );
});

test('§9 §22 right credentials but a busy maildrop: AUTH gets -ERR [IN-USE], not [AUTH]', async () => {
  await withClient(async (first, pop3) => {
    await userPass(first);
    const second = await RawClient.connect(pop3.port, utf8Lines);
    expect(await second.command(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toBe(
      `-ERR ${texts.mailboxInUse}`,
    );
    expect(texts.mailboxInUse).toMatch(/^\[IN-USE\] /);
    await expectAuthorization(second);
    expect(pop3.sessions[1]!.authAttempts()[0]!.result).toBe('in-use');
  });
});
