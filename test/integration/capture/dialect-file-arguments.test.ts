import type { DialectFile } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER, withMailbox } from '../../helpers/with-mock';

const MESSAGES = ['Subject: one\r\n\r\nHello one\r\n', 'Subject: two\r\n\r\nHello two\r\n'];

// The behaviours a capture of Dovecot learns, set on the RFC preset by a file of one's own.
const file: DialectFile = {
  format: 'pop3-mock-dialect/1',
  name: 'scanning',
  extends: 'rfc',
  texts: {
    junkAfterNumber: 'junk [{junk}]',
    junkAfterLineCount: 'count junk [{junk}]',
    numberTooLarge: 'too large [{rest}]',
    lineCountTooLarge: 'count too large [{rest}]',
    invalidNumber: 'bad number [{rest}]',
    emptyCommand: { byState: { AUTHORIZATION: 'empty before' }, otherwise: 'empty after' },
    authBadBase64Padding: 'bad padding',
    loggedIn: { byVerb: { AUTH: 'in by SASL' }, otherwise: 'in ({count})' },
  },
  behaviour: {
    argumentReader: { kind: 'scan', largestMessageNumber: 99 },
    barePassTriesEmptyPassword: true,
  },
};

test('a file sets the scan reader, its largest message number and its texts', async () => {
  await withMailbox(
    MESSAGES,
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${PASSWORD}`)).toBe('+OK in (2)');
      const replies: [string, string][] = [
        ['RETR 1.5', '-ERR junk [.5]'],
        ['LIST 1  x', '-ERR junk [  x]'],
        ['DELE  x  y', '-ERR bad number [x  y]'],
        ['LIST 99', '-ERR no such message 99, only 2 messages in maildrop'],
        ['LIST 100 x', '-ERR too large [ x]'],
        ['LIST 123456789012345678901', '-ERR too large [123456789012345678901]'],
        ['TOP 2 0 0', '-ERR count junk [ 0]'],
        ['TOP 2 123456789012345678901 x', '-ERR count too large [123456789012345678901 x]'],
        ['', '-ERR empty after'],
      ];
      for (const [line, reply] of replies) expect([line, await client.command(line)]).toEqual([line, reply]);
      expect((await client.multi('TOP 2 1')).lines).toEqual(['Subject: two', '', 'Hello two']);
      client.destroy();
    },
    { dialect: file },
  );
});

test('a file makes a bare PASS use up the USER, and gives the texts of an empty line, bad padding and a SASL login', async () => {
  await withMailbox(
    MESSAGES,
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('')).toBe('-ERR empty before');
      await client.command(`USER ${USER}`);
      expect(await client.command('PASS')).toBe('-ERR [AUTH] invalid user name or password');
      expect(await client.command(`PASS ${PASSWORD}`)).toBe('-ERR send USER first');
      expect(await client.command('AUTH PLAIN')).toBe('+ ');
      expect(await client.command('abc')).toBe('-ERR bad padding');
      expect(await client.command('AUTH PLAIN')).toBe('+ ');
      expect(await client.command('ab!c')).toBe('-ERR invalid authentication data');
      const plain = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
      expect(await client.command(`AUTH PLAIN ${plain}`)).toBe('+OK in by SASL');
      client.destroy();
    },
    { dialect: file },
  );
});

test('the words reader (the RFC preset) counts arguments first', async () => {
  await withMailbox(
    MESSAGES,
    async (pop3) => {
      const client = await RawClient.login(pop3.port, USER, PASSWORD);
      expect(await client.command('RETR x y')).toBe('-ERR too many arguments for RETR');
      expect(await client.command('RETR 1.5')).toBe('-ERR bad number [1.5]');
      expect(await client.command('LIST 1 ')).toBe(`+OK 1 ${Buffer.byteLength(MESSAGES[0]!)}`);
      client.destroy();
    },
    { dialect: { ...file, behaviour: {} } },
  );
});
