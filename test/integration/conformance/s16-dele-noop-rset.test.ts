// §16 DELE, NOOP, RSET, LAST (RFC 1939 §5, §6), over TCP.

import {
  ERR,
  expectAlive,
  login,
  OK,
  PASSWORD,
  quit,
  scanListing,
  sizeOf,
  THREE,
  USER,
  wireOf,
  withMailbox,
} from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';

const TOTAL = THREE.reduce((sum, raw) => sum + sizeOf(raw), 0);

describe('§16 DELE', () => {
  test('§16 DELE n marks the message deleted and gets +OK', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 2')).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL - sizeOf(THREE[1]!)}`);
      await quit(client);
      expect(
        pop3
          .mailbox(USER)
          .messages()
          .map((m) => m.bytes),
      ).toEqual([wireOf(THREE[0]!), wireOf(THREE[2]!)]);
    });
  });

  test('§16 DELE twice gets -ERR the second time, and the mark stays', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('DELE 1')).toMatch(ERR);
      expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL - sizeOf(THREE[0]!)}`);
      await quit(client);
      expect(pop3.mailbox(USER).messages()).toHaveLength(2);
    });
  });

  test.each(['DELE', 'DELE x', 'DELE 0', 'DELE -1', 'DELE 4', 'DELE 99999999999999999999'])(
    '§16 %s gets -ERR and marks nothing',
    async (command) => {
      await withMailbox([...THREE], async (pop3) => {
        const client = await login(pop3);
        expect(await client.command(command)).toMatch(ERR);
        expect(await client.command('STAT')).toBe(`+OK 3 ${TOTAL}`);
        await quit(client);
        expect(pop3.mailbox(USER).messages()).toHaveLength(3);
      });
    },
  );

  test('§16 DELE is refused in AUTHORIZATION', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('DELE 1')).toMatch(ERR);
      await quit(client);
      expect(pop3.mailbox(USER).messages()).toHaveLength(3);
    });
  });
});

describe('§16 NOOP', () => {
  test('§16 NOOP gets +OK in TRANSACTION', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('NOOP')).toMatch(OK);
      expect(client.pending.length).toBe(0);
      await quit(client);
    });
  });

  test('§16 NOOP and RSET get -ERR in AUTHORIZATION and the state does not change', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('NOOP')).toMatch(ERR);
      expect(await client.command('RSET')).toMatch(ERR);
      // Still in AUTHORIZATION: a TRANSACTION command is refused, a login works.
      expect(await client.command('STAT')).toMatch(ERR);
      expect(await client.command(`USER ${USER}`)).toMatch(OK);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(OK);
      expect(await client.command('NOOP')).toMatch(OK);
      await quit(client);
    });
  });
});

describe('§16 RSET', () => {
  test('§16 RSET removes every mark: STAT, LIST and UIDL show the messages under their numbers', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      const uidsBefore = (await client.multi('UIDL')).wire.toString('latin1');
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('DELE 3')).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 1 ${sizeOf(THREE[1]!)}`);

      expect(await client.command('RSET')).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 3 ${TOTAL}`);
      expect((await client.multi('LIST')).wire.toString('latin1')).toBe(
        scanListing([
          [1, THREE[0]!],
          [2, THREE[1]!],
          [3, THREE[2]!],
        ]),
      );
      expect((await client.multi('UIDL')).wire.toString('latin1')).toBe(uidsBefore);
      expect((await client.multi('RETR 1')).data).toEqual(wireOf(THREE[0]!));
      expect((await client.multi('RETR 3')).data).toEqual(wireOf(THREE[2]!));
      // A message can be marked again after RSET.
      expect(await client.command('DELE 3')).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL - sizeOf(THREE[2]!)}`);
      await quit(client);
      expect(pop3.mailbox(USER).messages()).toHaveLength(2);
    });
  });

  test('§16 QUIT right after RSET deletes nothing', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('DELE 2')).toMatch(OK);
      expect(await client.command('RSET')).toMatch(OK);
      await quit(client);
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('quit-update');
      expect(session.deleted).toEqual([]);
      expect(
        pop3
          .mailbox(USER)
          .messages()
          .map((m) => m.bytes),
      ).toEqual(THREE.map((raw) => wireOf(raw)));
      expect(pop3.mailbox(USER).deleted()).toEqual([]);
    });
  });

  test('§16 RSET neither releases the lock nor ends the session', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('RSET')).toMatch(OK);
      const other = await RawClient.connect(pop3.port);
      expect(await other.command(`USER ${USER}`)).toMatch(OK);
      expect(await other.command(`PASS ${PASSWORD}`)).toMatch(ERR); // maildrop still locked
      await quit(other);
      await expectAlive(client);
      expect(await client.command('STAT')).toBe(`+OK 3 ${TOTAL}`);
      await quit(client);
    });
  });
});

describe('§16 LAST', () => {
  test('§16 LAST (removed in RFC 1725) gets -ERR in both states and changes nothing', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('LAST')).toMatch(ERR);
      expect(await client.command(`USER ${USER}`)).toMatch(OK);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(OK);
      expect((await client.multi('RETR 2')).status).toMatch(OK);
      expect(await client.command('LAST')).toMatch(ERR);
      expect(client.pending.length).toBe(0);
      await expectAlive(client);
      expect(await client.command('STAT')).toBe(`+OK 3 ${TOTAL}`);
      await quit(client);
    });
  });
});
