import { type Pop3Mock, type Pop3MockOptions, rfcDialect } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import {
  aliceOptions,
  b64,
  md5hex,
  PASSWORD,
  RawClient,
  USER,
  userPass,
  utf8Lines,
  withMock,
} from './helpers';

// §18 Extended response codes (RFC 2449 §8, RFC 3206). Every code the mock
// can send is provoked over the wire.

const texts = rfcDialect.texts;
const EIGHT_BIT = 'Subject: Grüße\r\n\r\nbody\r\n';
/** `[` level (`/` level)* `]` right after the status indicator (RFC 2449 §3). */
const CODE = /^(?:\+OK|-ERR) \[[^/\]\s]+(?:\/[^/\]\s]+)*\](?: |$)/;

const options = (extra: Partial<Pop3MockOptions['capabilities']> = {}, clock = new FakeClock()) =>
  aliceOptions([EIGHT_BIT], {
    apop: true,
    clock,
    maxSessions: 2,
    capabilities: { loginDelay: 60, utf8: true, ...extra },
  });

/**
 * Provokes every failure the mock has: credential failures (PASS, APOP, AUTH,
 * XOAUTH2), IN-USE, LOGIN-DELAY, UTF8, a busy server, and failures that are
 * not about credentials. Returns the first lines of the `-ERR` replies by cause.
 */
async function provoke(pop3: Pop3Mock, clock: FakeClock) {
  const a = await RawClient.connect(pop3.port, utf8Lines);
  const credential = [
    (await a.command(`USER ${USER}`)) && (await a.command('PASS wrong')),
    await a.command(`APOP ${USER} ${md5hex(`${a.greeting.match(/<[^>]*>/)![0]}wrong`)}`),
    await a.command(`AUTH PLAIN ${b64(`\0${USER}\0wrong`)}`),
    (await a.command(`AUTH XOAUTH2 ${b64(`user=${USER}\x01auth=Bearer bad\x01\x01`)}`)) &&
      (await a.command('')),
    (await a.command('AUTH CRAM-MD5')) && (await a.command(b64(`${USER} ${'0'.repeat(32)}`))),
  ];
  const other = [
    await a.command('STAT'),
    await a.command('PASS x'),
    await a.command('FOO'),
    await a.command('AUTH GSSAPI'),
    (await a.command('AUTH PLAIN')) && (await a.command('*')),
    await a.command('AUTH PLAIN =AAA'),
    await a.command('UTF8 x'),
  ];
  await userPass(a);
  // Past the login delay, so the second login meets only the lock.
  clock.advance(60_000);
  const b = await RawClient.connect(pop3.port, utf8Lines);
  expect(await b.command(`USER ${USER}`)).toMatch(/^\+OK/);
  const inUse = await b.command(`PASS ${PASSWORD}`);
  const retr = (await a.multi('RETR 1')).status;
  expect(await a.command('QUIT')).toMatch(/^\+OK/);
  await pop3.sessionEnd(pop3.sessions[0]);
  await userPass(b);
  // Within the delay of b's login (the lock is busy too; the delay is reported).
  const c = await RawClient.connect(pop3.port, utf8Lines);
  expect(await c.command(`USER ${USER}`)).toMatch(/^\+OK/);
  const delay = await c.command(`PASS ${PASSWORD}`);
  // b and c are the two sessions maxSessions allows; d is turned away.
  const d = await RawClient.connect(pop3.port, utf8Lines);
  const busy = d.greeting;
  for (const client of [b, c, d]) client.destroy();
  for (const session of pop3.sessions) await pop3.sessionEnd(session);
  return { credential, other, inUse, retr, delay, busy };
}

test('§18 every code is "[" level ("/" level)* "]" right after the status: [AUTH] [IN-USE] [LOGIN-DELAY] [UTF8] [SYS/TEMP]', async () => {
  const clock = new FakeClock();
  await withMock(options({}, clock), async (pop3) => {
    const got = await provoke(pop3, clock);
    for (const line of [...got.credential, got.inUse, got.retr, got.delay, got.busy])
      expect(line).toMatch(CODE);
    expect(got.inUse).toBe(`-ERR ${texts.mailboxInUse}`);
    expect(got.inUse).toMatch(/^-ERR \[IN-USE\] /);
    expect(got.retr).toMatch(/^-ERR \[UTF8\] /);
    expect(got.delay).toMatch(/^-ERR \[LOGIN-DELAY\] /);
    expect(got.busy).toBe(`-ERR ${texts.tooManySessions}`);
    expect(got.busy).toMatch(/^-ERR \[SYS\/TEMP\] /);
  });
});

test('§18 with AUTH-RESP-CODE, every credential failure carries [AUTH] and no other failure does', async () => {
  const clock = new FakeClock();
  await withMock(options({}, clock), async (pop3) => {
    const got = await provoke(pop3, clock);
    expect(got.credential).toEqual(Array(got.credential.length).fill(`-ERR ${texts.authFailed}`));
    for (const line of got.credential) expect(line).toMatch(/^-ERR \[AUTH\] /);
    for (const line of [...got.other, got.inUse, got.retr, got.delay, got.busy]) {
      expect(line).toMatch(/^-ERR/);
      expect(line).not.toContain('[AUTH]');
    }
  });
});

test('§18 with RESP-CODES off, no reply text starts with "[" (the same failures)', async () => {
  const clock = new FakeClock();
  await withMock(options({ respCodes: false, authRespCode: false }, clock), async (pop3) => {
    const got = await provoke(pop3, clock);
    const lines = [
      ...got.credential,
      ...got.other,
      got.inUse,
      got.retr,
      got.delay,
      ...pop3.sessions.flatMap((s) => s.replies().map((r) => r.line)),
    ];
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(line).not.toMatch(/^(\+OK|-ERR) \[/);
    // The failures are still failures.
    expect(got.inUse).toMatch(/^-ERR /);
    expect(got.delay).toMatch(/^-ERR /);
    expect(got.retr).toMatch(/^-ERR /);
    const list = (await (await RawClient.connect(pop3.port, utf8Lines)).multi('CAPA')).lines;
    expect(list).not.toContain('RESP-CODES');
  });
});

test('§18 with RESP-CODES off and AUTH-RESP-CODE on, every credential failure keeps [AUTH] as CAPA promises (RFC 3206 §6); no other code', async () => {
  const clock = new FakeClock();
  await withMock(options({ respCodes: false, authRespCode: true }, clock), async (pop3) => {
    const got = await provoke(pop3, clock);
    expect(got.credential.length).toBeGreaterThan(1);
    for (const line of got.credential) expect(line).toMatch(/^-ERR \[AUTH\] /);
    for (const line of [...got.other, got.inUse, got.retr, got.delay])
      expect(line).not.toMatch(/^(\+OK|-ERR) \[/);
    const list = (await (await RawClient.connect(pop3.port, utf8Lines)).multi('CAPA')).lines;
    expect(list).toContain('AUTH-RESP-CODE');
    expect(list).not.toContain('RESP-CODES');
  });
});

test('§18 [IN-USE] comes with the -ERR to PASS when the credentials are right but the maildrop is busy', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    await userPass(await RawClient.connect(pop3.port, utf8Lines));
    const second = await RawClient.connect(pop3.port, utf8Lines);
    expect(await second.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await second.command('PASS wrong')).toBe(`-ERR ${texts.authFailed}`);
    expect(await second.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await second.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.mailboxInUse}`);
    expect(pop3.sessions[1]!.authAttempts().map((a) => a.result)).toEqual(['failed', 'in-use']);
  });
});

test('§18 with RESP-CODES off, the busy-server greeting (maxSessions) does not start with "[" either', async () => {
  await withMock(aliceOptions([], { maxSessions: 1, capabilities: { respCodes: false } }), async (pop3) => {
    const first = await RawClient.connect(pop3.port, utf8Lines);
    const refused = await RawClient.connect(pop3.port, utf8Lines);
    expect(refused.greeting).toMatch(/^-ERR/);
    expect(refused.greeting).not.toMatch(/^-ERR \[/);
    first.destroy();
  });
});
