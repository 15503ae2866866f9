import { on, rfcDialect } from '../../../src';
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

// §17 CAPA and capabilities (RFC 2449 §5-§6, RFC 2595, RFC 3206, RFC 6856).
// LOGIN-DELAY and EXPIRE are in login-delay-expire.test.ts, response codes in
// resp-codes.test.ts.

const texts = rfcDialect.texts;
const MESSAGE = 'Subject: capa\r\n\r\nbody\r\n';
/** The default capabilities, written out by hand (order not asserted). */
const DEFAULT_BEFORE_LOGIN = [
  'TOP',
  'USER',
  'SASL PLAIN LOGIN CRAM-MD5 XOAUTH2',
  'RESP-CODES',
  'PIPELINING',
  'UIDL',
  'AUTH-RESP-CODE',
  'STLS',
  `IMPLEMENTATION ${rfcDialect.implementation}`,
];
const sorted = (lines: string[]) => [...lines].sort();

test('§17 CAPA before login lists the default capabilities, STLS included; after login the same without STLS', async () => {
  await withMock(aliceOptions([MESSAGE]), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const reply = await client.multi('CAPA');
    expect(reply.status).toBe(`+OK ${texts.capaHeader}`);
    expect(sorted(reply.lines)).toEqual(sorted(DEFAULT_BEFORE_LOGIN));
    await userPass(client);
    const after = await capa(client);
    expect(sorted(after)).toEqual(sorted(DEFAULT_BEFORE_LOGIN.filter((l) => l !== 'STLS')));
  });
});

test('§17 every capability usable in AUTHORIZATION is listed in TRANSACTION, except STLS (over TLS too)', async () => {
  await withMock(
    aliceOptions([MESSAGE], { capabilities: { utf8: true, lang: true, loginDelay: 0 } }),
    async (pop3) => {
      const client = await connectStls(pop3);
      const before = await capa(client);
      await userPass(client);
      const after = await capa(client);
      expect(before).not.toContain('STLS');
      expect(after).toEqual(before);
      expect(after).toContain('SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER');
    },
  );
});

test('§17 CAPA lines: tag [SP arg]*, at most 512 octets, never starting with "." or "X"; CAPA takes no argument', async () => {
  await withMock(
    aliceOptions([], { capabilities: { utf8: true, lang: true, expire: 'NEVER', loginDelay: 60 } }),
    async (pop3) => {
      const client = await RawClient.connect(pop3.port, utf8Lines);
      const lines = await capa(client);
      for (const line of lines) {
        expect(line).toMatch(/^[A-Z0-9-]+( [\x21-\x7e]+)*$/);
        expect(Buffer.byteLength(line) + 2).toBeLessThanOrEqual(512);
        expect(line.startsWith('X')).toBe(false);
      }
      expect(await client.command('CAPA USER')).toBe(`-ERR ${texts.tooManyArguments('CAPA', ['USER'])}`);
    },
  );
});

test('§17 the tag of an optional command is its keyword: each such command is accepted, case-insensitively', async () => {
  await withMock(aliceOptions([MESSAGE], { capabilities: { utf8: true, lang: true } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const tags = (await capa(client)).map((l) => l.split(' ')[0]!);
    for (const verb of ['TOP', 'UIDL', 'USER', 'STLS', 'UTF8', 'LANG']) expect(tags).toContain(verb);
    expect(await client.command('lang en')).toMatch(/^\+OK /);
    expect(await client.command('utf8')).toMatch(/^\+OK /);
    await userPass(client);
    expect((await client.multi('top 1 0')).status).toMatch(/^\+OK/);
    expect((await client.multi('uidl')).status).toMatch(/^\+OK/);
  });
});

test.each([
  ['uidl', 'UIDL', 'UIDL 1'],
  ['top', 'TOP', 'TOP 1 0'],
])(
  '§17 capabilities: { %s: false } removes %s from CAPA and the command gets -ERR',
  async (key, tag, line) => {
    await withMock(aliceOptions([MESSAGE], { capabilities: { [key]: false } }), async (pop3) => {
      const client = await RawClient.connect(pop3.port, utf8Lines);
      await userPass(client);
      const list = await capa(client);
      expect(list).not.toContain(tag);
      expect(sorted(list)).toEqual(sorted(DEFAULT_BEFORE_LOGIN.filter((l) => l !== tag && l !== 'STLS')));
      expect(await client.command(line)).toBe(`-ERR ${texts.unknownCommand(tag, 'TRANSACTION')}`);
      expect(await client.command('STAT')).toMatch(/^\+OK 1 /);
    });
  },
);

test('§17 capabilities: { user: false } removes USER from CAPA and refuses USER and PASS', async () => {
  await withMock(aliceOptions([], { capabilities: { user: false } }), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await capa(client)).not.toContain('USER');
    expect(await client.command(`USER ${USER}`)).toBe(
      `-ERR ${texts.unknownCommand('USER', 'AUTHORIZATION')}`,
    );
    expect(await client.command(`PASS ${PASSWORD}`)).toBe(
      `-ERR ${texts.unknownCommand('PASS', 'AUTHORIZATION')}`,
    );
  });
});

test('§17 RESP-CODES, AUTH-RESP-CODE, PIPELINING and IMPLEMENTATION follow their options', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const list = await capa(await RawClient.connect(pop3.port, utf8Lines));
    for (const tag of ['RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'IMPLEMENTATION pop3-mock']) {
      expect(list).toContain(tag);
    }
  });
  await withMock(
    aliceOptions([], {
      capabilities: { respCodes: false, authRespCode: false, pipelining: false, implementation: undefined },
    }),
    async (pop3) => {
      const list = await capa(await RawClient.connect(pop3.port, utf8Lines));
      expect(list.filter((l) => /^(RESP-CODES|AUTH-RESP-CODE|PIPELINING|IMPLEMENTATION)\b/.test(l))).toEqual(
        [],
      );
    },
  );
  await withMock(aliceOptions([], { capabilities: { implementation: 'my-server-1.0' } }), async (pop3) => {
    expect(await capa(await RawClient.connect(pop3.port, utf8Lines))).toContain(
      'IMPLEMENTATION my-server-1.0',
    );
  });
});

test('§17 UTF8 USER and LANG appear only when turned on; UTF8 without USER when USER is off', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const list = await capa(await RawClient.connect(pop3.port, utf8Lines));
    expect(list.filter((l) => /^(UTF8|LANG)\b/.test(l))).toEqual([]);
  });
  await withMock(aliceOptions([], { capabilities: { utf8: true, lang: true } }), async (pop3) => {
    const list = await capa(await RawClient.connect(pop3.port, utf8Lines));
    expect(list).toContain('UTF8 USER');
    expect(list).toContain('LANG');
  });
  await withMock(aliceOptions([], { capabilities: { utf8: true, user: false } }), async (pop3) => {
    const list = await capa(await RawClient.connect(pop3.port, utf8Lines));
    expect(list).toContain('UTF8');
    expect(list).not.toContain('UTF8 USER');
  });
});

test('§17 a pre-2449 server answers CAPA with -ERR (fault rule); the client can still log in', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    await pop3.use(on('CAPA').reply('-ERR unknown command'));
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('CAPA')).toBe('-ERR unknown command');
    await userPass(client);
  });
});
