// §11 STAT and §12 LIST (RFC 1939 §5), over TCP.

import {
  ERR,
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

/** Messages whose LIST size differs from their stored length: bare LF, bare CR, dot lines, no final newline. */
const AWKWARD: readonly (string | Buffer)[] = [
  'Subject: lf\n\n.dot line\n..two dots\n.\nend\n',
  'Subject: crlf\r\n\r\nalready crlf\r\n',
  Buffer.from('Subject: cr\n\nbare\rcr inside\n', 'latin1'),
  'Subject: no final newline\n\nlast line',
];

describe('§11 STAT', () => {
  test('§11 STAT in AUTHORIZATION gets -ERR and the state does not change', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STAT')).toMatch(ERR);
      expect(await client.command(`USER ${USER}`)).toMatch(OK);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 3 ${TOTAL}`);
      await quit(client);
    });
  });

  test('§11 the reply is exactly +OK <count> <octets>, nothing after the octets', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      const reply = await client.command('STAT');
      expect(reply).toMatch(/^\+OK [0-9]+ [0-9]+$/);
      expect(reply).toBe(`+OK 3 ${TOTAL}`);
      expect(client.pending.length).toBe(0);
      await quit(client);
    });
  });

  test('§11 octets are the sum of LIST sizes, which count CRLF line ends and not stuffed dots', async () => {
    await withMailbox([...AWKWARD], async (pop3) => {
      const client = await login(pop3);
      const total = AWKWARD.reduce((sum, raw) => sum + sizeOf(raw), 0);
      expect(await client.command('STAT')).toBe(`+OK ${AWKWARD.length} ${total}`);
      let retrieved = 0;
      for (let n = 1; n <= AWKWARD.length; n++) retrieved += (await client.multi(`RETR ${n}`)).data.length;
      expect(retrieved).toBe(total);
      await quit(client);
    });
  });

  test('§11 deleted messages are left out of STAT', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 2 ${sizeOf(THREE[1]!) + sizeOf(THREE[2]!)}`);
      expect(await client.command('DELE 3')).toMatch(OK);
      expect(await client.command('STAT')).toBe(`+OK 1 ${sizeOf(THREE[1]!)}`);
      expect(await client.command('DELE 2')).toMatch(OK);
      expect(await client.command('STAT')).toBe('+OK 0 0');
      await quit(client);
    });
  });

  test('§11 an empty maildrop gives +OK 0 0', async () => {
    await withMailbox([], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('STAT')).toBe('+OK 0 0');
      await quit(client);
    });
  });
});

describe('§12 LIST', () => {
  test('§12 LIST with no argument: one exact "n size" line per message, ascending, then "."', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      const reply = await client.multi('LIST');
      expect(reply.status).toMatch(OK);
      // Exact wire bytes: no stuffing needed, nothing after the size.
      expect(reply.wire.toString('latin1')).toBe(
        scanListing([
          [1, THREE[0]!],
          [2, THREE[1]!],
          [3, THREE[2]!],
        ]),
      );
      expect(client.pending.length).toBe(0);
      await quit(client);
    });
  });

  test('§12 LIST sizes equal the octets RETR sends (bare LF, bare CR, dots, no final newline)', async () => {
    await withMailbox([...AWKWARD], async (pop3) => {
      const client = await login(pop3);
      const reply = await client.multi('LIST');
      expect(reply.data.toString('latin1')).toBe(scanListing(AWKWARD.map((raw, i) => [i + 1, raw])));
      for (let n = 1; n <= AWKWARD.length; n++) {
        const retr = await client.multi(`RETR ${n}`);
        expect(retr.data).toEqual(wireOf(AWKWARD[n - 1]!));
        expect(await client.command(`LIST ${n}`)).toBe(`+OK ${n} ${retr.data.length}`);
      }
      await quit(client);
    });
  });

  test('§12 LIST n gives the single line +OK n size', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      for (let n = 1; n <= 3; n++) {
        expect(await client.command(`LIST ${n}`)).toBe(`+OK ${n} ${sizeOf(THREE[n - 1]!)}`);
      }
      expect(client.pending.length).toBe(0);
      await quit(client);
    });
  });

  test('§12 LIST n for a missing or deleted message gets a one-line -ERR', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('LIST 4')).toMatch(ERR);
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('LIST 1')).toMatch(ERR);
      expect(await client.command('LIST 2')).toBe(`+OK 2 ${sizeOf(THREE[1]!)}`);
      await quit(client);
    });
  });

  test('§12 LIST leaves deleted messages out of the listing', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(OK);
      expect(await client.command('DELE 3')).toMatch(OK);
      expect((await client.multi('LIST')).wire.toString('latin1')).toBe(scanListing([[2, THREE[1]!]]));
      expect(await client.command('DELE 2')).toMatch(OK);
      const empty = await client.multi('LIST');
      expect(empty.status).toMatch(OK);
      expect(empty.wire.length).toBe(0);
      await quit(client);
    });
  });

  test('§12 LIST on an empty maildrop is +OK then "." at once', async () => {
    await withMailbox([], async (pop3) => {
      const client = await login(pop3);
      client.write('LIST\r\n');
      const status = await client.readLine();
      expect(status).toMatch(OK);
      expect(await client.readLine()).toBe('.');
      await quit(client);
    });
  });

  test('§12 LIST in AUTHORIZATION gets -ERR', async () => {
    await withMailbox([...THREE], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('LIST')).toMatch(ERR);
      expect(await client.command('LIST 1')).toMatch(ERR);
      await quit(client);
    });
  });
});
