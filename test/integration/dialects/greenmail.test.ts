import { GREENMAIL_VERSION, greenmailDialect } from '../../../src/dialects';
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

// GreenMail 2.1 (greenmail-core .../pop3/Pop3Handler.java and commands/*.java).
const dialect = greenmailDialect;
const CAPA = ['UIDL', 'SASL PLAIN XOAUTH2'];

test('greeting with the version; CAPA is UIDL and SASL in both states', async () => {
  await withMock(twoMessages({ dialect, tls: undefined }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe(`+OK POP3 GreenMail Server v${GREENMAIL_VERSION} ready`);
    expect(GREENMAIL_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const before = await client.multi('CAPA');
    expect(before.status).toBe('+OK');
    expect(dataLines(before.wire)).toEqual(CAPA);
    expect(await login(client)).toEqual(['+OK', '+OK']);
    const after = await client.multi('CAPA');
    expect(after.status).toBe('+OK');
    expect(dataLines(after.wire)).toEqual(CAPA);
    client.destroy();
  });
});

test('login texts: USER and PASS syntax errors, PASS without USER, wrong password', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('USER')).toBe('-ERR Required syntax: USER <username>');
    expect(await client.command('PASS secret')).toBe('-ERR USER required');
    expect(await client.command(`USER ${USER}`)).toBe('+OK');
    expect(await client.command('PASS')).toBe('-ERR Required syntax: PASS <username>');
    expect(await login(client, USER, 'wrong')).toEqual([
      '+OK',
      '-ERR Authentication failed: com.icegreen.greenmail.user.UserException: Invalid password',
    ]);
    expect(await client.command('APOP alice 0123456789abcdef0123456789abcdef')).toBe(
      '-ERR APOP not supported',
    );
    expect(await client.command('AUTH')).toBe(
      '-ERR Required syntax: AUTH mechanism [initial-response] but received <AUTH>',
    );
    expect(await client.command('AUTH CRAM-MD5')).toBe(
      '-ERR Required syntax: AUTH mechanism <CRAM-MD5> not supported, expected one of [PLAIN, XOAUTH2]',
    );
    const plain = Buffer.from(`\0${USER}\0secret`).toString('base64');
    expect(await client.command(`AUTH PLAIN ${plain}`)).toBe('+OK');
    client.destroy();
  });
});

test('STAT, LIST, RETR, TOP (works though CAPA hides it), DELE, NOOP, QUIT texts', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL}`);
    const list = await client.multi('LIST');
    expect(list.status).toBe('+OK');
    expect(dataLines(list.wire)).toEqual(scanListing());
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${SIZES[0]}`);
    const retr = await client.multi('RETR 2');
    expect(retr.status).toBe('+OK');
    expect(retr.data.toString()).toBe(MESSAGES[1]);
    expect((await client.multi('TOP 1 0')).status).toBe('+OK');
    expect((await client.multi('UIDL')).status).toBe('+OK');
    expect(await client.command('NOOP')).toBe('+OK noop rimes with poop');
    expect(await client.command('DELE 1')).toBe('+OK message scheduled for deletion');
    expect(await client.command('QUIT')).toBe('+OK bye see you soon');
    await client.closed();
    expect(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.size),
    ).toEqual([SIZES[1]]);
  });
});

test('errors: no such message, already deleted, bad number, unknown and wrong-state commands, STLS', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('STAT')).toBe('-ERR Command not valid for this state');
    expect(await client.command('FROB')).toBe('-ERR Command not recognized');
    expect(await client.command('STLS')).toBe('-ERR Command not recognized');
    expect(await login(client)).toEqual(['+OK', '+OK']);
    expect(await client.command('RETR 3')).toBe('-ERR no such message');
    expect(await client.command('LIST 3')).toBe('-ERR no such message');
    expect(await client.command('DELE 3')).toBe('-ERR no such message');
    expect(await client.command('RETR abc')).toBe(
      '-ERR java.lang.NumberFormatException: For input string: "abc"',
    );
    expect(await client.command('DELE 2')).toBe('+OK message scheduled for deletion');
    expect(await client.command('DELE 2')).toBe('-ERR message already deleted');
    expect(await client.command('USER bob')).toBe('-ERR Command not valid for this state');
    expect(await client.command('FROB')).toBe('-ERR Command not recognized');
    // No bad-command limit: many failures, still connected.
    for (let i = 0; i < 25; i++) expect(await client.command('FROB')).toBe('-ERR Command not recognized');
    expect(await client.command('QUIT')).toBe('+OK bye see you soon');
    await client.closed();
  });
});

// NoopCommand.isValidForState() returns true: NOOP works before login too.
test('NOOP before login gets `+OK noop rimes with poop`', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('NOOP')).toBe('+OK noop rimes with poop');
    client.destroy();
  });
});

// RsetCommand: "+OK maildrop has <count> messages undeleted." counts the messages it unmarked.
test('RSET says how many messages it undeleted', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('DELE 1')).toBe('+OK message scheduled for deletion');
    expect(await client.command('RSET')).toBe('+OK maildrop has 1 messages undeleted.');
    client.destroy();
  });
});
