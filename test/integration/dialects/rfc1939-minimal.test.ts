import { rfc1939MinimalDialect } from '../../../src/dialects';
import { RawClient } from '../../helpers/raw-client';
import {
  dataLines,
  loggedIn,
  login,
  MESSAGES,
  SIZES,
  scanListing,
  TOTAL,
  twoMessages,
  USER,
  withMock,
} from './fixtures';

// A server with nothing beyond RFC 1939's required commands, texts from its examples.
const dialect = rfc1939MinimalDialect;

test('§3 RFC 1939 example texts: greeting, USER, PASS, STAT, LIST, RETR, DELE, NOOP, RSET, QUIT', async () => {
  await withMock(twoMessages({ dialect, tls: undefined }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('+OK POP3 server ready');
    expect(await login(client)).toEqual([
      `+OK ${USER} is a real hoopy frood`,
      `+OK maildrop has 2 messages (${TOTAL} octets)`,
    ]);
    expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL}`);
    const list = await client.multi('LIST');
    expect(list.status).toBe(`+OK 2 messages (${TOTAL} octets)`);
    expect(dataLines(list.wire)).toEqual(scanListing());
    const retr = await client.multi('RETR 1');
    expect(retr.status).toBe(`+OK ${SIZES[0]} octets`);
    expect(retr.data.toString()).toBe(MESSAGES[0]);
    expect(await client.command('NOOP')).toBe('+OK');
    expect(await client.command('DELE 1')).toBe('+OK message 1 deleted');
    expect(await client.command('RSET')).toBe(`+OK maildrop has 2 messages (${TOTAL} octets)`);
    expect(await client.command('DELE 2')).toBe('+OK message 2 deleted');
    expect(await client.command('QUIT')).toBe('+OK POP3 server signing off (1 messages left)');
    await client.closed();
    const last = await loggedIn(pop3);
    expect(await last.command('DELE 1')).toBe('+OK message 1 deleted');
    expect(await last.command('QUIT')).toBe('+OK POP3 server signing off (maildrop empty)');
    await last.closed();
    const anonymous = await RawClient.connect(pop3.port);
    expect(await anonymous.command('QUIT')).toBe('+OK POP3 server signing off');
    await anonymous.closed();
  });
});

test('§3 errors: no such message, deleted message, wrong password, locked maildrop', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await login(client, USER, 'wrong')).toEqual([
      `+OK ${USER} is a real hoopy frood`,
      '-ERR invalid password',
    ]);
    expect(await login(client)).toEqual([
      `+OK ${USER} is a real hoopy frood`,
      `+OK maildrop has 2 messages (${TOTAL} octets)`,
    ]);
    const second = await RawClient.connect(pop3.port);
    expect((await login(second))[1]).toBe('-ERR maildrop already locked');
    second.destroy();
    expect(await client.command('LIST 3')).toBe('-ERR no such message, only 2 messages in maildrop');
    expect(await client.command('DELE 2')).toBe('+OK message 2 deleted');
    expect(await client.command('DELE 2')).toBe('-ERR message 2 already deleted');
    expect(await client.command('RETR 2')).toBe('-ERR no such message');
    client.destroy();
  });
});

test('§3 nothing optional: UIDL, TOP, AUTH, STLS, UTF8 are unknown commands; APOP is refused', async () => {
  await withMock(twoMessages({ dialect, tls: undefined }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    for (const verb of ['AUTH', 'STLS', 'UTF8']) {
      expect(await client.command(verb === 'AUTH' ? 'AUTH PLAIN' : verb)).toBe(
        `-ERR unknown command: ${verb}`,
      );
    }
    expect(await client.command('APOP alice 0123456789abcdef0123456789abcdef')).toMatch(/^-ERR /);
    expect(await login(client)).toEqual([
      `+OK ${USER} is a real hoopy frood`,
      `+OK maildrop has 2 messages (${TOTAL} octets)`,
    ]);
    expect(await client.command('UIDL')).toBe('-ERR unknown command: UIDL');
    expect(await client.command('UIDL 1')).toBe('-ERR unknown command: UIDL');
    expect(await client.command('TOP 1 0')).toBe('-ERR unknown command: TOP');
    client.destroy();
  });
});

// RFC 1939 has no CAPA; RFC 2449 §5: a server without it answers -ERR, and clients fall back.
test('§3 CAPA is not a command of this server: -ERR', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('CAPA')).toBe('-ERR unknown command: CAPA');
    const [, pass] = await login(client);
    expect(pass).toMatch(/^\+OK /);
    expect(await client.command('CAPA')).toBe('-ERR unknown command: CAPA');
    client.destroy();
  });
});
