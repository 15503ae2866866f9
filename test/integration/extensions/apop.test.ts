import { rfcDialect } from '../../../src';
import {
  aliceOptions,
  capa,
  md5hex,
  PASSWORD,
  pyOk,
  pyText,
  RawClient,
  runPython,
  USER,
  userPass,
  utf8Lines,
  warmPython,
  withMock,
} from './helpers';

// §4 (APOP timestamp) and §7 APOP (RFC 1939 §7), `apop: true`.

const texts = rfcDialect.texts;
const TIMESTAMP = /<[^<>]*>/g;

/** The timestamp of a greeting (fails unless there is exactly one). */
function timestampOf(greeting: string): string {
  const found = greeting.match(TIMESTAMP) ?? [];
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function expectAuthorization(client: RawClient): Promise<void> {
  expect(await client.command('STAT')).toBe(`-ERR ${texts.wrongState('STAT', 'AUTHORIZATION')}`);
}

beforeAll(warmPython);

test('§7 the RFC 1939 test vector (computed here)', () => {
  expect(md5hex('<1896.697170952@dbc.mtview.ca.us>tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
});

test('§4 with APOP on, the greeting holds exactly one msg-id-like timestamp <…@host>, and no other "<"', async () => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(client.greeting).toMatch(/^\+OK /);
    const stamp = timestampOf(client.greeting);
    // msg-id shape: "<" local-part "@" domain ">", no spaces; the host is the default hostname.
    expect(stamp).toMatch(/^<[!-;=?-~]+@localhost>$/);
    expect(client.greeting.split('<')).toHaveLength(2);
    expect(Buffer.byteLength(client.greeting) + 2).toBeLessThanOrEqual(512);
    // No APOP capability exists (RFC 2449 §6): clients detect APOP from the timestamp.
    expect((await capa(client)).some((l) => /^APOP\b/i.test(l))).toBe(false);
  });
});

test('§4 the hostname option names the host in the timestamp', async () => {
  await withMock(aliceOptions([], { apop: true, hostname: 'pop.example.test' }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(timestampOf(client.greeting)).toMatch(/@pop\.example\.test>$/);
  });
});

test('§4 every greeting has a different timestamp, even for connections opened at the same moment', async () => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const clients = await Promise.all(
      Array.from({ length: 20 }, () => RawClient.connect(pop3.port, utf8Lines)),
    );
    const stamps = clients.map((c) => timestampOf(c.greeting));
    expect(new Set(stamps).size).toBe(stamps.length);
  });
});

test('§7 APOP name digest: MD5 of this greeting timestamp + secret logs in (TRANSACTION)', async () => {
  await withMock(aliceOptions(['Subject: a\r\n\r\nx\r\n'], { apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const digest = md5hex(timestampOf(client.greeting) + PASSWORD);
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(await client.command(`APOP ${USER} ${digest}`)).toMatch(/^\+OK /);
    expect(await client.command('STAT')).toMatch(/^\+OK 1 \d+$/);
    expect(await client.command(`APOP ${USER} ${digest}`)).toBe(
      `-ERR ${texts.wrongState('APOP', 'TRANSACTION')}`,
    );
    const session = pop3.sessions[0]!;
    expect(session.authAttempts()).toMatchObject([{ user: USER, mechanism: 'APOP', result: 'ok' }]);
    expect(session.state).toBe('TRANSACTION');
  });
});

test('§7 APOP is valid after a failed USER and after a failed PASS', async () => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const digest = md5hex(timestampOf(client.greeting) + PASSWORD);
    expect(await client.command('USER')).toMatch(/^-ERR /);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK /);
    expect(await client.command('PASS wrong')).toBe(`-ERR ${texts.authFailed}`);
    expect(await client.command(`APOP ${USER} ${digest}`)).toMatch(/^\+OK /);
  });
});

test('§7 Python poplib apop() logs in and retrieves a message', async () => {
  const message = 'Subject: apop\r\n\r\nhello\r\n';
  await withMock(aliceOptions([message], { apop: true, tls: false }), async (pop3) => {
    const results = await runPython('plain', pop3.port, '', [
      ['apop', USER, PASSWORD],
      ['retr', 1],
      ['quit'],
    ]);
    expect(pyText(pyOk(results[0]))).toMatch(/^\+OK /);
    const [, lines] = pyOk(results[1]) as [Buffer, Buffer[]];
    expect(lines.map((l) => l.toString())).toEqual(['Subject: apop', '', 'hello']);
    const session = await pop3.sessionEnd();
    expect(session.commands()).toEqual(['APOP alice ******', 'RETR 1', 'QUIT']);
    expect(session.user).toBe(USER);
  });
});

test('§7 a digest replayed from another connection fails; the session stays in AUTHORIZATION', async () => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const first = await RawClient.connect(pop3.port, utf8Lines);
    const second = await RawClient.connect(pop3.port, utf8Lines);
    const digest = md5hex(timestampOf(first.greeting) + PASSWORD);
    expect(await second.command(`APOP ${USER} ${digest}`)).toBe(`-ERR ${texts.authFailed}`);
    await expectAuthorization(second);
    expect(await first.command(`APOP ${USER} ${digest}`)).toMatch(/^\+OK /);
    expect(pop3.sessions[1]!.authAttempts()).toMatchObject([{ mechanism: 'APOP', result: 'failed' }]);
  });
});

test.each([
  ['a wrong secret', (stamp: string) => `APOP ${USER} ${md5hex(`${stamp}wrong`)}`],
  ['an unknown user', (stamp: string) => `APOP nobody ${md5hex(stamp + PASSWORD)}`],
])('§7 APOP with %s gets -ERR [AUTH] and AUTHORIZATION is kept', async (_name, line) => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command(line(timestampOf(client.greeting)))).toBe(`-ERR ${texts.authFailed}`);
    await expectAuthorization(client);
    await userPass(client);
  });
});

test.each([
  ['31 hex digits', 'c4c9334bac560ecc979e58001b3e22f'],
  ['33 hex digits', 'c4c9334bac560ecc979e58001b3e22fb0'],
  ['a non-hex digit', 'g4c9334bac560ecc979e58001b3e22fb'],
  ['no digest', ''],
  ['three arguments', 'c4c9334bac560ecc979e58001b3e22fb extra'],
])('§7 APOP with %s gets -ERR and AUTHORIZATION is kept', async (_name, digest) => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command(`APOP ${USER} ${digest}`.trimEnd())).toMatch(/^-ERR /);
    await expectAuthorization(client);
    expect(pop3.sessions[0]!.authAttempts().every((a) => a.result === 'failed')).toBe(true);
  });
});

test('§4 §7 without apop: true there is no timestamp and APOP gets -ERR', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(client.greeting).not.toMatch(/[<>]/);
    expect(await client.command(`APOP ${USER} ${md5hex(PASSWORD)}`)).toBe(`-ERR ${texts.apopNotEnabled}`);
    // Whatever its arguments: there is no APOP to check them for (Dovecot and GreenMail say so too).
    expect(await client.command('APOP')).toBe(`-ERR ${texts.apopNotEnabled}`);
    expect(await client.command(`APOP ${USER} a b`)).toBe(`-ERR ${texts.apopNotEnabled}`);
    await expectAuthorization(client);
  });
});

test('§7 §9 right APOP credentials but a busy maildrop: -ERR [IN-USE]', async () => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const first = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(first);
    const second = await RawClient.connect(pop3.port, utf8Lines);
    const digest = md5hex(timestampOf(second.greeting) + PASSWORD);
    expect(await second.command(`APOP ${USER} ${digest}`)).toBe(`-ERR ${texts.mailboxInUse}`);
    expect(texts.mailboxInUse).toMatch(/^\[IN-USE\] /);
    await expectAuthorization(second);
  });
});

test('§7 an upper-case hex digest is accepted as the same digest', async () => {
  await withMock(aliceOptions([], { apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const digest = md5hex(timestampOf(client.greeting) + PASSWORD).toUpperCase();
    expect(await client.command(`APOP ${USER} ${digest}`)).toMatch(/^\+OK /);
  });
});
