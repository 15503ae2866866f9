import { rfcDialect } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import {
  aliceOptions,
  b64,
  capa,
  md5hex,
  PASSWORD,
  RawClient,
  USER,
  userPass,
  utf8Lines,
  withMock,
} from './helpers';

// §17/§18 LOGIN-DELAY (RFC 2449 §6.5, §8.1.1) with a fake clock, and §17/§8
// EXPIRE (RFC 2449 §6.7).

const texts = rfcDialect.texts;
const DELAY = 900;
const messages = ['Subject: one\r\n\r\n1\r\n', 'Subject: two\r\n\r\n2\r\n', 'Subject: three\r\n\r\n3\r\n'];

async function quit(client: RawClient): Promise<void> {
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.readToEnd();
}

test('§17 LOGIN-DELAY n is advertised before and after login (one server-wide value, so no USER suffix)', async () => {
  await withMock(aliceOptions([], { capabilities: { loginDelay: DELAY } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await capa(client)).toContain(`LOGIN-DELAY ${DELAY}`);
    await userPass(client);
    expect(await capa(client)).toContain(`LOGIN-DELAY ${DELAY}`);
  });
});

test('§18 LOGIN-DELAY is enforced from the +OK of the last login: PASS, APOP and AUTH get -ERR [LOGIN-DELAY] until n seconds passed', async () => {
  const clock = new FakeClock();
  await withMock(
    aliceOptions([], { clock, apop: true, capabilities: { loginDelay: DELAY } }),
    async (pop3) => {
      const first = await RawClient.connect(pop3.port, utf8Lines);
      await userPass(first);
      await quit(first);
      clock.advance(DELAY * 1000 - 1);

      const second = await RawClient.connect(pop3.port, utf8Lines);
      expect(await second.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await second.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.loginDelay}`);
      expect(texts.loginDelay).toMatch(/^\[LOGIN-DELAY\] /);
      const stamp = second.greeting.match(/<[^>]*>/)![0];
      expect(await second.command(`APOP ${USER} ${md5hex(stamp + PASSWORD)}`)).toBe(
        `-ERR ${texts.loginDelay}`,
      );
      expect(await second.command(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toBe(
        `-ERR ${texts.loginDelay}`,
      );
      // Wrong credentials inside the delay are a credential failure, not a delay.
      expect(await second.command(`AUTH PLAIN ${b64(`\0${USER}\0wrong`)}`)).toBe(`-ERR ${texts.authFailed}`);
      expect(await second.command('STAT')).toMatch(/^-ERR /);

      clock.advance(1);
      expect(await second.command(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toMatch(/^\+OK/);
      expect(pop3.sessions[1]!.authAttempts().map((a) => a.result)).toEqual([
        'failed',
        'failed',
        'failed',
        'failed',
        'ok',
      ]);
    },
  );
});

test('§18 LOGIN-DELAY counts per mailbox: another user logs in at once', async () => {
  const clock = new FakeClock();
  await withMock(
    { users: { [USER]: PASSWORD, bob: 'pw' }, clock, capabilities: { loginDelay: DELAY } },
    async (pop3) => {
      const first = await RawClient.connect(pop3.port, utf8Lines);
      await userPass(first);
      await quit(first);
      const bob = await RawClient.connect(pop3.port, utf8Lines);
      await userPass(bob, 'bob', 'pw');
      const again = await RawClient.connect(pop3.port, utf8Lines);
      expect(await again.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await again.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.loginDelay}`);
    },
  );
});

test('§18 reset() forgets the last login, as it forgets everything of the test before: the next test logs in at once', async () => {
  const clock = new FakeClock();
  await withMock(
    { users: { [USER]: PASSWORD }, clock, capabilities: { loginDelay: DELAY } },
    async (pop3) => {
      const first = await RawClient.connect(pop3.port, utf8Lines);
      await userPass(first);
      await quit(first);
      const refused = await RawClient.connect(pop3.port, utf8Lines);
      expect(await refused.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await refused.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${texts.loginDelay}`);
      await quit(refused);
      await pop3.reset();
      await userPass(await RawClient.connect(pop3.port, utf8Lines));
    },
  );
});

test('§18 without LOGIN-DELAY a second login right away works', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const first = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(first);
    await quit(first);
    await userPass(await RawClient.connect(pop3.port, utf8Lines));
  });
});

test('§17 §8 EXPIRE 0 is advertised; messages RETRieved are removed at UPDATE, TOP-only ones are kept', async () => {
  await withMock(aliceOptions(messages, { capabilities: { expire: 0 } }), async (pop3) => {
    const uids = pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid);
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await capa(client)).toContain('EXPIRE 0');
    await userPass(client);
    expect(await capa(client)).toContain('EXPIRE 0');
    expect((await client.multi('RETR 2')).status).toMatch(/^\+OK/);
    expect((await client.multi('TOP 3 0')).status).toMatch(/^\+OK/);
    // Not marked: LIST still shows message 2 before UPDATE.
    expect((await client.multi('LIST')).lines).toHaveLength(3);
    await quit(client);
    const session = await pop3.sessionEnd();
    expect(session.endReason).toBe('quit-update');
    expect(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.uid),
    ).toEqual([uids[0], uids[2]]);
    expect(session.deleted).toEqual([{ number: 2, uid: uids[1] }]);
  });
});

test('§8 EXPIRE 0: a session that ends without QUIT removes nothing', async () => {
  await withMock(aliceOptions(messages, { capabilities: { expire: 0 } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(client);
    expect((await client.multi('RETR 1')).status).toMatch(/^\+OK/);
    expect((await client.multi('RETR 2')).status).toMatch(/^\+OK/);
    client.destroy();
    const session = await pop3.sessionEnd();
    expect(session.endReason).toBe('client-closed');
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
  });
});

test('§17 EXPIRE NEVER and EXPIRE 5 are advertised and delete nothing at UPDATE', async () => {
  for (const expire of ['NEVER', 5] as const) {
    await withMock(aliceOptions(messages, { capabilities: { expire } }), async (pop3) => {
      const client = await RawClient.connect(pop3.port, utf8Lines);
      await userPass(client);
      expect(await capa(client)).toContain(`EXPIRE ${expire}`);
      expect((await client.multi('RETR 1')).status).toMatch(/^\+OK/);
      await quit(client);
      await pop3.sessionEnd();
      expect(pop3.mailbox(USER).messages()).toHaveLength(3);
    });
  }
});
