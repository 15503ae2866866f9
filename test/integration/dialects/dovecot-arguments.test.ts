import { createHash } from 'node:crypto';
import { dovecotDialect } from '../../../src/dialects';
import { RawClient } from '../../helpers/raw-client';
import { loggedIn, login, PASSWORD, twoMessages, USER, withMock } from './fixtures';

// Dovecot 2.3 (§25, docs/CONFORMANCE.md) where arguments are odd: what a live
// Dovecot answered in test/integration/capture/dovecot-capture.test.ts's hold-out.
const dialect = dovecotDialect;
const b64 = (text: string) => Buffer.from(text).toString('base64');

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

test('§25 broken SASL and APOP messages: base64 in the initial response, in a response, the digest', async () => {
  await withMock(twoMessages({ dialect, apop: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('AUTH PLAIN !!!')).toBe(
      '-ERR [AUTH] Invalid base64 data in initial response',
    );
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('!!!')).toBe('-ERR [AUTH] Invalid base64 in response');
    expect(await client.command(`AUTH PLAIN ${b64('no nul')}`)).toBe('-ERR [AUTH] Authentication failed.');
    expect(await client.command(`APOP ${USER} ${'z'.repeat(32)}`)).toBe(
      '-ERR Invalid characters in MD5 response.',
    );
    expect(await client.command(`APOP ${USER}`)).toBe('-ERR Invalid parameters.');
    const stamp = /<[^>]+>/.exec(client.greeting)?.[0] ?? '';
    const digest = createHash('md5')
      .update(stamp + PASSWORD)
      .digest('hex');
    expect(await client.command(`APOP ${USER} ${digest}`)).toBe('+OK Logged in.');
    client.destroy();
  });
});
