import { dovecotDialect } from '../../../src/dialects';
import { RawClient } from '../../helpers/raw-client';
import { b64, md5hex } from '../extensions/helpers';
import { loggedIn, login, PASSWORD, twoMessages, USER, withMock } from './fixtures';

// Dovecot 2.3 (§25, docs/CONFORMANCE.md) where arguments are odd: what a live
// Dovecot answered in test/integration/capture/dovecot-capture.test.ts's hold-out.
const dialect = dovecotDialect;

// pop3-login cmd_user(): the rest of the line is the name, whatever it is.
test('§25 USER takes the rest of the line: a bare USER and a name with a space get +OK, PASS then fails', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('USER')).toBe('+OK');
    expect(await client.command(`PASS ${PASSWORD}`)).toBe('-ERR [AUTH] Authentication failed.');
    expect(await client.command(`USER ${USER} extra`)).toBe('+OK');
    expect(await client.command(`PASS ${PASSWORD}`)).toBe('-ERR [AUTH] Authentication failed.');
    expect(await login(client)).toEqual(['+OK', '+OK Logged in.']);
    client.destroy();
  });
});

// pop3-login knows only its own commands: STAT or RSET there is as unknown as FOO.
test('§25 before login a command of the TRANSACTION state counts as bad and resets nothing', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    client.write('FOO\r\nCAPA\r\nFOO\r\nRSET\r\nSTAT 1\r\nNOOP\r\n');
    const rest = (await client.readToEnd()).toString('latin1');
    expect(rest.split('\r\n').filter((l) => l.startsWith('-ERR'))).toEqual([
      '-ERR Unknown command.',
      '-ERR Unknown command.',
      '-ERR Unknown command.',
      '-ERR Unknown command.',
      '-ERR Too many invalid bad commands.',
    ]);
  });
});

// get_msgnum() and get_size() print the rest of the line from the argument they could not read.
test('§25 an invalid message number echoes the rest of the line: TOP x 1', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('TOP x 1')).toBe('-ERR Invalid message number: x 1');
    expect(await client.command('RETR x')).toBe('-ERR Invalid message number: x');
    expect(await client.command('TOP 1 -1')).toBe('-ERR Invalid size: -1');
    client.destroy();
  });
});

// get_msgnum() and get_size() read left to right (argumentReader `scan`): what a live Dovecot 2.3.19
// answered in test/integration/capture/dovecot-hold-out-2.test.ts.
test('§25 message numbers and sizes read left to right: junk after the digits, too large, surplus, missing', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    const replies: [string, string][] = [
      ['RETR 1.5', '-ERR Noise after message number: .5'],
      ['LIST 0x1', '-ERR Noise after message number: x1'],
      ['UIDL 1 ', '-ERR Noise after message number:  '],
      ['DELE 1 2', '-ERR Noise after message number:  2'],
      ['RETR x y', '-ERR Invalid message number: x y'],
      ['RETR  x  y', '-ERR Invalid message number: x  y'],
      ['RETR +1', '-ERR Invalid message number: +1'],
      ['TOP', '-ERR Invalid message number: '],
      ['TOP 1', '-ERR Noise after message number: '],
      ['TOP 1 ', '-ERR Invalid size: '],
      ['TOP 1 x y', '-ERR Invalid size: x y'],
      ['TOP 1 2 3', '-ERR Noise after size:  3'],
      ['TOP 1 1x', '-ERR Noise after size: x'],
      // The message is looked up before the size is read.
      ['TOP 9 x', "-ERR There's no message 9."],
      ['RETR 9 y', '-ERR Noise after message number:  y'],
      ['LIST 4294967295', "-ERR There's no message 4294967295."],
      ['LIST 4294967296', '-ERR Message number too large: '],
      ['RETR 4294967296 1', '-ERR Message number too large:  1'],
      ['RETR 99999999999999999999', '-ERR Message number too large: 99999999999999999999'],
      ['TOP 1 99999999999999999999', '-ERR Size too large: 99999999999999999999'],
    ];
    for (const [line, reply] of replies) expect([line, await client.command(line)]).toEqual([line, reply]);
    // Spaces before an argument are skipped; a bare LIST with spaces after it lists.
    expect((await client.multi('TOP  1  0')).status).toBe('+OK');
    expect((await client.multi('LIST  ')).lines).toHaveLength(2);
    client.destroy();
  });
});

// A bare PASS is a login with the empty password; an empty line is no command at all.
test('§25 a bare PASS uses up the USER; a line with no command word; APOP not offered, whatever its arguments', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toBe('+OK');
    expect(await client.command('PASS')).toBe('-ERR [AUTH] Authentication failed.');
    expect(await client.command(`PASS ${PASSWORD}`)).toBe('-ERR No username given.');
    expect(await client.command('APOP')).toBe('-ERR APOP not enabled.');
    expect(await client.command(`APOP ${USER} x y`)).toBe('-ERR APOP not enabled.');
    expect(await client.command('')).toBe('-ERR Unknown command.');
    expect(await login(client)).toEqual(['+OK', '+OK Logged in.']);
    expect(await client.command(' STAT')).toBe('-ERR Unknown command.');
    expect(await client.command('')).toBe('-ERR Unknown command.');
    client.destroy();
  });
});

test('§25 broken SASL and APOP messages: base64 in the initial response, in a response, the digest', async () => {
  await withMock(twoMessages({ dialect, apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('AUTH PLAIN !!!')).toBe(
      '-ERR [AUTH] Invalid base64 data in initial response',
    );
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('!!!')).toBe('-ERR [AUTH] Invalid base64 in response');
    // Base64 characters, a wrong length: another text.
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command(PASSWORD)).toBe('-ERR [AUTH] Invalid base64 data in continued response');
    expect(await client.command(`AUTH PLAIN ${b64('no nul')}`)).toBe('-ERR [AUTH] Authentication failed.');
    expect(await client.command(`APOP ${USER} ${'z'.repeat(32)}`)).toBe(
      '-ERR Invalid characters in MD5 response.',
    );
    expect(await client.command(`APOP ${USER}`)).toBe('-ERR Invalid parameters.');
    const stamp = /<[^>]+>/.exec(client.greeting)?.[0] ?? '';
    expect(await client.command(`APOP ${USER} ${md5hex(stamp + PASSWORD)}`)).toBe('+OK Logged in.');
    client.destroy();
  });
});
