import { gmailDialect } from '../../../src/dialects';
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

// Gmail (pop.gmail.com): texts from fetchmail logs and client demos, CAPA from MailKit's data and 2025.
const dialect = gmailDialect;

test('greeting names the client address; CAPA is Gmail list before login and after it', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const ip = client.socket.localAddress!.replace(/^::ffff:/, '');
    expect(client.greeting).toMatch(
      new RegExp(`^\\+OK Gpop ready for requests from ${ip.replace(/\./g, '\\.')} [a-z0-9]+$`),
    );
    const before = await client.multi('CAPA');
    expect(before.status).toBe('+OK Capability list follows');
    expect(dataLines(before.wire)).toEqual([
      'USER',
      'RESP-CODES',
      'EXPIRE 0',
      'LOGIN-DELAY 300',
      'TOP',
      'UIDL',
      'X-GOOGLE-RICO',
      'SASL PLAIN XOAUTH2 OAUTHBEARER',
    ]);
    expect(await login(client)).toEqual(['+OK send PASS', '+OK Welcome.']);
    const after = await client.multi('CAPA');
    expect(after.status).toBe('+OK Capability list follows');
    expect(dataLines(after.wire)).toEqual([
      'USER',
      'RESP-CODES',
      'PIPELINING',
      'EXPIRE 0',
      'LOGIN-DELAY 300',
      'TOP',
      'UIDL',
      'X-GOOGLE-RICO',
    ]);
    client.destroy();
  });
});

test('`recent:alice` logs into alice: same messages, same password', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await login(client, `recent:${USER}`)).toEqual(['+OK send PASS', '+OK Welcome.']);
    expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL}`);
    expect((await client.multi('RETR 2')).data.toString()).toBe(MESSAGES[1]);
    expect(await client.command('QUIT')).toBe('+OK Farewell.');
    const session = await pop3.sessionEnd();
    expect(session.endReason).toBe('quit-update');
    // `recent:` is only a name prefix: an unknown user stays unknown.
    const other = await RawClient.connect(pop3.port);
    expect(await login(other, 'recent:bob')).toEqual([
      '+OK send PASS',
      '-ERR [AUTH] Username and password not accepted.',
    ]);
    other.destroy();
  });
});

test('LIST, RETR, TOP, DELE, NOOP, RSET, QUIT texts; EXPIRE 0 removes what was retrieved', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL}`);
    const list = await client.multi('LIST');
    expect(list.status).toBe(`+OK 2 messages (${TOTAL} bytes)`);
    expect(dataLines(list.wire)).toEqual(scanListing());
    const retr = await client.multi('RETR 1');
    expect(retr.status).toBe('+OK message follows');
    expect(retr.data.toString()).toBe(MESSAGES[0]);
    expect((await client.multi('TOP 2 0')).status).toBe('+OK message follows');
    expect(await client.command('NOOP')).toBe('+OK');
    expect(await client.command('DELE 2')).toBe('+OK marked for deletion');
    expect(await client.command('RSET')).toBe('+OK');
    expect(await client.command('QUIT')).toBe('+OK Farewell.');
    await client.closed();
    // RETR 1 and EXPIRE 0: message 1 is gone; message 2 (only TOP, DELE undone) stays.
    expect(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.size),
    ).toEqual([SIZES[1]]);
  });
});

test('errors: wrong password, no such message, deleted message, unknown command, LAST, STLS', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await login(client, USER, 'wrong')).toEqual([
      '+OK send PASS',
      '-ERR [AUTH] Username and password not accepted.',
    ]);
    expect(await client.command('STLS')).toBe('-ERR bad command');
    expect(await client.command('STAT')).toBe('-ERR bad command');
    expect(await client.command('FROB')).toBe('-ERR bad command');
    expect(await login(client)).toEqual(['+OK send PASS', '+OK Welcome.']);
    expect(await client.command('RETR 3')).toBe('-ERR no such message');
    expect(await client.command('DELE 1')).toBe('+OK marked for deletion');
    expect(await client.command('RETR 1')).toBe('-ERR no such message');
    expect(await client.command('FROB')).toBe('-ERR bad command');
    expect(await client.command('LAST')).toBe('-ERR Not supported');
    client.destroy();
  });
});

test('LOGIN-DELAY 300 is advertised but not enforced: a second login right away succeeds', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    for (let i = 0; i < 2; i++) {
      const client = await loggedIn(pop3);
      expect(await client.command('QUIT')).toBe('+OK Farewell.');
      await client.closed();
      await pop3.sessionEnd();
    }
  });
});
