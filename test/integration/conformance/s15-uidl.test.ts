// §15 UIDL (RFC 1939 §7), over TCP.
import { FixtureError, startPop3Mock } from '../../../src';
import { ERR, login, OK, PASSWORD, quit, THREE, USER, withMailbox } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';

const UID = /^[\x21-\x7e]{1,70}$/;

/** Reads a UIDL listing and checks its shape: exactly `n SP uid` per line, nothing after the uid. */
async function uidl(client: RawClient): Promise<[number, string][]> {
  const reply = await client.multi('UIDL');
  expect(reply.status).toMatch(OK);
  const text = reply.wire.toString('latin1');
  if (text === '') return [];
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => {
      const match = /^([1-9][0-9]*) ([^ ]+)$/.exec(line);
      if (!match) throw new Error(`bad UIDL listing line ${JSON.stringify(line)}`);
      expect(match[2]).toMatch(UID);
      return [Number(match[1]), match[2]!] as [number, string];
    });
}

async function uidsInNewSession(port: number): Promise<[number, string][]> {
  const client = await RawClient.login(port, USER, PASSWORD);
  const listing = await uidl(client);
  await quit(client);
  return listing;
}

test('§15 UIDL lists "n uid" for each message; UIDL n gives +OK n uid', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    const listing = await uidl(client);
    expect(listing.map(([n]) => n)).toEqual([1, 2, 3]);
    for (const [n, uid] of listing) expect(await client.command(`UIDL ${n}`)).toBe(`+OK ${n} ${uid}`);
    expect(listing.map(([, uid]) => uid)).toEqual(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.uid),
    );
    await quit(client);
  });
});

test('§15 UIDL n for a missing or deleted message gets -ERR; deleted messages leave the listing', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    const before = await uidl(client);
    expect(await client.command('UIDL 4')).toMatch(ERR);
    expect(await client.command('UIDL 0')).toMatch(ERR);
    expect(await client.command('DELE 2')).toMatch(OK);
    expect(await client.command('UIDL 2')).toMatch(ERR);
    expect(await uidl(client)).toEqual([before[0], before[2]]);
    await quit(client);
  });
});

test('§15 UIDL is refused in AUTHORIZATION; an empty maildrop lists nothing', async () => {
  await withMailbox([], async (pop3) => {
    const anonymous = await RawClient.connect(pop3.port);
    expect(await anonymous.command('UIDL')).toMatch(ERR);
    await quit(anonymous);
    const client = await login(pop3);
    expect(await uidl(client)).toEqual([]);
    await quit(client);
  });
});

test('§15 uids are unique, even for two messages with identical bytes', async () => {
  const same = 'Subject: twin\n\nsame bytes\n';
  await withMailbox([same, same, THREE[0]!, same], async (pop3) => {
    const client = await login(pop3);
    const uids = (await uidl(client)).map(([, uid]) => uid);
    expect(uids).toHaveLength(4);
    expect(new Set(uids).size).toBe(4);
    await quit(client);
  });
});

test('§15 uids stay the same across sessions, including one that ended without QUIT', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const first = await login(pop3);
    const listing = await uidl(first);
    first.destroy(); // no QUIT
    await pop3.sessionEnd();
    expect(await uidsInNewSession(pop3.port)).toEqual(listing);
    expect(await uidsInNewSession(pop3.port)).toEqual(listing);
  });
});

test('§15 message 3 keeps its uid after message 1 was deleted in an earlier session', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const first = await login(pop3);
    const before = await uidl(first);
    expect(await first.command('DELE 1')).toMatch(OK);
    await quit(first);
    const after = await uidsInNewSession(pop3.port);
    // Numbers are new (1..2), uids are the old ones of messages 2 and 3.
    expect(after).toEqual([
      [1, before[1]![1]],
      [2, before[2]![1]],
    ]);
  });
});

test('§15 a uid is not reused when identical bytes are delivered again after the message was deleted', async () => {
  const raw = 'Subject: comes back\n\nsame bytes again\n';
  await withMailbox([raw, THREE[0]!], async (pop3) => {
    const first = await login(pop3);
    const [[, deletedUid], [, keptUid]] = (await uidl(first)) as [[number, string], [number, string]];
    expect(await first.command('DELE 1')).toMatch(OK);
    await quit(first);

    const [delivered] = await pop3.deliver(USER, raw);
    expect(delivered!.uid).not.toBe(deletedUid);

    const after = await uidsInNewSession(pop3.port);
    expect(after).toEqual([
      [1, keptUid],
      [2, delivered!.uid],
    ]);
    expect(after.map(([, uid]) => uid)).not.toContain(deletedUid);
  });
});

test('§15 a uid can be set per message with { raw, uid }', async () => {
  const long = `a${'~'.repeat(68)}!`; // 70 characters at the edges of 0x21-0x7E
  await withMailbox(
    [{ raw: THREE[0]!, uid: 'my-uid' }, THREE[1]!, { raw: THREE[2]!, uid: long }],
    async (pop3) => {
      const client = await login(pop3);
      const listing = await uidl(client);
      expect(listing[0]).toEqual([1, 'my-uid']);
      expect(listing[2]).toEqual([3, long]);
      expect(listing[1]![1]).not.toBe('my-uid');
      expect(await client.command('UIDL 1')).toBe('+OK 1 my-uid');
      expect(await client.command('UIDL 3')).toBe(`+OK 3 ${long}`);
      await quit(client);
    },
  );
});

test.each([
  ['with a space', 'has space'],
  ['of 71 characters', 'x'.repeat(71)],
  ['that is empty', ''],
  ['with a control character', 'tab\there'],
  ['with a non-ASCII character', 'caf\u00e9'],
])('§15 a configured uid %s is refused at start-up, never sent', async (_, uid) => {
  await expect(
    startPop3Mock({ users: { [USER]: { password: PASSWORD, messages: [{ raw: THREE[0]!, uid }] } } }),
  ).rejects.toMatchObject({
    name: 'InputError',
    path: `users.${USER}.messages[0].uid`,
    issues: [{ message: expect.stringMatching(/^expected a uid: 1 to 70 characters from 0x21 to 0x7E/) }],
  });
});

test('§15 two messages configured with the same uid are refused (uids are unique)', async () => {
  await expect(
    startPop3Mock({
      users: {
        [USER]: {
          password: PASSWORD,
          messages: [
            { raw: THREE[0]!, uid: 'dup' },
            { raw: THREE[1]!, uid: 'dup' },
          ],
        },
      },
    }),
  ).rejects.toBeInstanceOf(FixtureError);
});
