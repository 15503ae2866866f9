// §10 Message numbering and deletion marks (RFC 1939 §4, §5, §7), over TCP.

import {
  ERR,
  expectAlive,
  login,
  OK,
  quit,
  scanListing,
  sizeOf,
  THREE,
  USER,
  wireOf,
  withMailbox,
} from '../../helpers/fixtures';
import type { RawClient } from '../../helpers/raw-client';

async function uidListing(client: RawClient): Promise<Map<number, string>> {
  const reply = await client.multi('UIDL');
  expect(reply.status).toMatch(OK);
  const map = new Map<number, string>();
  for (const line of reply.data.toString('latin1').split('\r\n').slice(0, -1)) {
    const [n, uid] = line.split(' ');
    map.set(Number(n), uid!);
  }
  return map;
}

test('§10 messages are numbered 1..n in maildrop order', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    const list = await client.multi('LIST');
    expect(list.data.toString('latin1')).toBe(
      scanListing([
        [1, THREE[0]!],
        [2, THREE[1]!],
        [3, THREE[2]!],
      ]),
    );
    for (const [i, raw] of THREE.entries()) {
      const retr = await client.multi(`RETR ${i + 1}`);
      expect(retr.data).toEqual(wireOf(raw));
    }
    await quit(client);
  });
});

test('§10 numbers never change after DELE: LIST shows 1 and 3, never 1 and 2', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    const uidsBefore = await uidListing(client);
    expect(await client.command('DELE 2')).toMatch(OK);

    const list = await client.multi('LIST');
    expect(list.data.toString('latin1')).toBe(
      scanListing([
        [1, THREE[0]!],
        [3, THREE[2]!],
      ]),
    );
    expect(await client.command('LIST 3')).toBe(`+OK 3 ${sizeOf(THREE[2]!)}`);
    expect((await client.multi('RETR 3')).data).toEqual(wireOf(THREE[2]!));

    const uidsAfter = await uidListing(client);
    expect([...uidsAfter.keys()]).toEqual([1, 3]);
    expect(uidsAfter.get(1)).toBe(uidsBefore.get(1));
    expect(uidsAfter.get(3)).toBe(uidsBefore.get(3));
    expect(await client.command('UIDL 3')).toBe(`+OK 3 ${uidsBefore.get(3)}`);

    expect(await client.command('STAT')).toBe(`+OK 2 ${sizeOf(THREE[0]!) + sizeOf(THREE[2]!)}`);
    await quit(client);
  });
});

test.each(['LIST 2', 'RETR 2', 'DELE 2', 'TOP 2 0', 'UIDL 2'])(
  '§10 %s on a deleted message gets -ERR and the session continues',
  async (command) => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 2')).toMatch(OK);
      // A multi-line command must answer -ERR in one line: read it as a single line.
      expect(await client.command(command)).toMatch(ERR);
      expect(client.pending.length).toBe(0);
      await expectAlive(client);
      expect(await client.command('STAT')).toBe(`+OK 2 ${sizeOf(THREE[0]!) + sizeOf(THREE[2]!)}`);
      await quit(client);
    });
  },
);

const BAD_NUMBERS = [
  '0',
  '-1',
  'x',
  '1x',
  '+1',
  '1.0',
  '4', // above n = 3
  '99',
  '4294967297', // above 2^32
  '9007199254740993', // above 2^53
  '99999999999999999999',
];

test.each(BAD_NUMBERS)('§10 RETR %s gets -ERR and the session continues', async (arg) => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command(`RETR ${arg}`)).toMatch(ERR);
    expect(client.pending.length).toBe(0);
    await expectAlive(client);
    expect((await client.multi('RETR 1')).data).toEqual(wireOf(THREE[0]!));
    await quit(client);
  });
});

test.each(['01', '002', '0000000000000003', '000000000000000000000000000002'])(
  '§10 a message number is read as decimal: %s (leading zeros) names that message',
  async (arg) => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      const n = Number(arg);
      expect(await client.command(`LIST ${arg}`)).toBe(`+OK ${n} ${sizeOf(THREE[n - 1]!)}`);
      expect((await client.multi(`RETR ${arg}`)).data).toEqual(wireOf(THREE[n - 1]!));
      await quit(client);
    });
  },
);

test('§10 bad message numbers get -ERR from LIST, DELE, TOP and UIDL too, and nothing is marked', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    for (const arg of BAD_NUMBERS) {
      for (const command of [`LIST ${arg}`, `DELE ${arg}`, `TOP ${arg} 0`, `UIDL ${arg}`]) {
        const reply = await client.command(command);
        if (!ERR.test(reply)) throw new Error(`${command}: expected -ERR, got ${JSON.stringify(reply)}`);
      }
    }
    expect(client.pending.length).toBe(0);
    const total = THREE.reduce((sum, raw) => sum + sizeOf(raw), 0);
    expect(await client.command('STAT')).toBe(`+OK 3 ${total}`);
    await quit(client);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
  });
});

test.each([
  'RETR 1 2',
  'RETR 1 x',
  'LIST 1 2',
  'DELE 1 1',
  'UIDL 1 1',
  'TOP 1 0 0',
  'STAT 1',
  'NOOP x',
  'RSET 1',
])('§10 more arguments than defined: %s gets -ERR and changes nothing', async (command) => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command(command)).toMatch(ERR);
    expect(client.pending.length).toBe(0);
    const total = THREE.reduce((sum, raw) => sum + sizeOf(raw), 0);
    expect(await client.command('STAT')).toBe(`+OK 3 ${total}`);
    await quit(client);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
  });
});

test('§10 DELE only marks: the message stays until UPDATE, then goes', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(OK);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
    await quit(client);
    const left = pop3.mailbox(USER).messages();
    expect(left.map((m) => m.bytes)).toEqual([wireOf(THREE[1]!), wireOf(THREE[2]!)]);
    expect(
      pop3
        .mailbox(USER)
        .deleted()
        .map((m) => m.bytes),
    ).toEqual([wireOf(THREE[0]!)]);
  });
});
