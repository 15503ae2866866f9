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

// §24 UTF8 and LANG (RFC 6856), §18 [UTF8], §7 SASLprep under UTF8 USER.

const texts = rfcDialect.texts;
const HEADER_8BIT = 'From: Jürgen <j@example.com>\r\nSubject: Grüße aus Köln\r\n\r\nHallo\r\n';
const BODY_8BIT = 'From: j@example.com\r\nSubject: ascii\r\n\r\nGrüße ✓\r\n';
const on = { capabilities: { utf8: true, lang: true } };

async function retr(client: RawClient, n: number): Promise<{ status: string; text: string }> {
  const reply = await client.multi(`RETR ${n}`);
  return { status: reply.status, text: reply.lines.map((l) => `${l}\r\n`).join('') };
}

beforeAll(warmPython);

test('§24 UTF8 USER and LANG are listed; UTF8 takes no argument and is refused after login', async () => {
  await withMock(aliceOptions([], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const list = await capa(client);
    expect(list).toContain('UTF8 USER');
    expect(list).toContain('LANG');
    expect(await client.command('UTF8 now')).toBe(`-ERR ${texts.tooManyArguments('UTF8', ['now'])}`);
    await userPass(client);
    expect(await client.command('UTF8')).toBe(`-ERR ${texts.wrongState('UTF8', 'TRANSACTION')}`);
  });
});

test('§24 UTF8 is refused as unknown when the capability is off (the default)', async () => {
  await withMock(aliceOptions(), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toBe(`-ERR ${texts.unknownCommand('UTF8', 'AUTHORIZATION')}`);
    expect(await client.command('LANG')).toBe(`-ERR ${texts.unknownCommand('LANG', 'AUTHORIZATION')}`);
  });
});

test('§18 §24 before UTF8, RETR and TOP of a message with 8-bit headers get -ERR [UTF8]; 8-bit bodies pass', async () => {
  await withMock(aliceOptions([HEADER_8BIT, BODY_8BIT], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(client);
    expect(await client.command('RETR 1')).toBe(`-ERR ${texts.utf8Required}`);
    expect(texts.utf8Required).toMatch(/^\[UTF8\] /);
    expect(await client.command('TOP 1 0')).toBe(`-ERR ${texts.utf8Required}`);
    expect(await retr(client, 2)).toEqual({ status: expect.stringMatching(/^\+OK/), text: BODY_8BIT });
    // LIST carries no message content: the mock answers it (sizes count octets).
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${Buffer.byteLength(HEADER_8BIT)}`);
    // Not marked retrieved by the refusal.
    expect(pop3.sessions[0]!.retrieved.map((r) => r.number)).toEqual([2]);
  });
});

test('§24 after UTF8 the same message is sent raw, byte for byte', async () => {
  await withMock(aliceOptions([HEADER_8BIT], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toBe(`+OK ${texts.utf8Enabled}`);
    await userPass(client);
    expect(await retr(client, 1)).toEqual({
      status: `+OK ${Buffer.byteLength(HEADER_8BIT)} octets`,
      text: HEADER_8BIT,
    });
    expect((await client.multi('TOP 1 0')).lines).toEqual([
      'From: Jürgen <j@example.com>',
      'Subject: Grüße aus Köln',
      '',
    ]);
  });
});

test('§13 §24 with UTF8 off (the default), 8-bit messages pass unchanged', async () => {
  await withMock(aliceOptions([HEADER_8BIT]), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    await userPass(client);
    expect(await retr(client, 1)).toEqual({ status: expect.stringMatching(/^\+OK/), text: HEADER_8BIT });
  });
});

test('§24 Python poplib utf8(), a UTF-8 user name and password, then RETR of an 8-bit message', async () => {
  const user = 'jürgen';
  const password = 'pässwort ✓';
  await withMock(
    { users: { [user]: { password, messages: [HEADER_8BIT] } }, ...on, tls: false },
    async (pop3) => {
      const results = await runPython('plain', pop3.port, '', [
        ['capa'],
        ['utf8'],
        ['user', user],
        ['pass_', password],
        ['retr', 1],
        ['quit'],
      ]);
      expect((pyOk(results[0]) as Record<string, string[]>).UTF8).toEqual(['USER']);
      expect(pyText(pyOk(results[1]))).toBe(`+OK ${texts.utf8Enabled}`);
      expect(pyText(pyOk(results[3]))).toMatch(/^\+OK/);
      const [, lines] = pyOk(results[4]) as [Buffer, Buffer[]];
      expect(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])).toString('utf8')).toBe(
        HEADER_8BIT,
      );
      const session = await pop3.sessionEnd();
      expect(session.user).toBe(user);
    },
  );
});

test('§24 UTF-8 credentials get -ERR before UTF8 and work after it', async () => {
  await withMock({ users: { jürgen: 'pässwort' }, ...on }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('USER jürgen')).toBe(`-ERR ${texts.badCharacters}`);
    expect(await client.command('UTF8')).toMatch(/^\+OK/);
    expect(await client.command('USER jürgen')).toMatch(/^\+OK/);
    expect(await client.command('PASS pässwort')).toMatch(/^\+OK/);
  });
});

test('§24 with UTF8 USER, invalid UTF-8 in USER is rejected', async () => {
  await withMock(aliceOptions([], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toMatch(/^\+OK/);
    client.write(
      Buffer.concat([Buffer.from('USER j'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\r\n')]),
    );
    expect(await client.readLine()).toMatch(/^-ERR/);
  });
});

test('§24 with UTF8 USER, each line of a pipelined chunk is checked on its own octets', async () => {
  // The check must look at the line's octets only, not the whole read: a bad
  // line does not taint the good ones around it, and a character split
  // across two reads is whole again.
  await withMock(aliceOptions([], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toMatch(/^\+OK/);
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    client.write(latin1('USER caf\xc3\xa9\r\nUSER x\xff\r\nUSER ok\r\nUSER \xc3'));
    expect(await client.readLine()).toMatch(/^\+OK/);
    expect(await client.readLine()).toBe(`-ERR ${texts.badCharacters}`);
    expect(await client.readLine()).toMatch(/^\+OK/);
    client.write(latin1('\xa9\r\n'));
    expect(await client.readLine()).toMatch(/^\+OK/);
  });
});

test('§24 with UTF8 USER, PASS goes through SASLprep: a password sent decomposed (NFD) matches the stored NFC one', async () => {
  const stored = 'café'.normalize('NFC');
  const sent = 'café'.normalize('NFD');
  expect(sent).not.toBe(stored);
  await withMock({ users: { [USER]: stored }, ...on }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toMatch(/^\+OK/);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${sent}`)).toMatch(/^\+OK/);
  });
});

test('§7 §24 with UTF8 USER, APOP hashes the SASLprep form of the secret (RFC 4013: I<U+00AD>X -> IX)', async () => {
  await withMock({ users: { [USER]: 'I\u00adX' }, apop: true, ...on }, async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('UTF8')).toMatch(/^\+OK/);
    const stamp = client.greeting.match(/<[^>]*>/)![0];
    expect(await client.command(`APOP ${USER} ${md5hex(`${stamp}IX`)}`)).toMatch(/^\+OK/);
  });
});

test('§24 LANG lists "<tag> <description>" lines; LANG en, LANG en-US and LANG * choose English', async () => {
  await withMock(aliceOptions([], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    const list = await client.multi('LANG');
    expect(list.status).toBe(`+OK ${texts.langHeader}`);
    expect(list.lines).toEqual(['en English']);
    for (const line of list.lines) expect(line).toMatch(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*( .+)?$/);
    expect(await client.command('LANG en')).toBe(`+OK ${texts.langChosen('en', 'English')}`);
    expect(await client.command('LANG en-US')).toBe(`+OK ${texts.langChosen('en', 'English')}`);
    expect(await client.command('LANG *')).toBe(`+OK ${texts.langChosen('en', 'English')}`);
  });
});

test('§24 LANG with an unknown language gets -ERR and English stays; LANG works in TRANSACTION too', async () => {
  await withMock(aliceOptions([], on), async (pop3) => {
    const client = await RawClient.connect(pop3.port, utf8Lines);
    expect(await client.command('LANG en')).toMatch(/^\+OK/);
    expect(await client.command('LANG fr')).toBe(`-ERR ${texts.langUnknown('fr')}`);
    expect(await client.command('LANG en fr')).toBe(`-ERR ${texts.tooManyArguments('LANG', ['fr'])}`);
    // Replies are still in English.
    expect(await client.command(`USER ${USER}`)).toBe(`+OK ${texts.userAccepted(USER)}`);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect((await client.multi('LANG')).lines).toEqual(['en English']);
    expect(await client.command('LANG *')).toBe(`+OK ${texts.langChosen('en', 'English')}`);
  });
});
