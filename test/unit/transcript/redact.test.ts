import { MASK, redactCommand, redactEvent, redactLine } from '../../../src/transcript/redact';
import type { Pop3Event } from '../../../src/vocabulary';

describe('redactCommand: secrets of PASS, APOP and AUTH are masked, everything else is kept', () => {
  test.each([
    ['PASS', ['secret'], `PASS ${MASK}`],
    ['PASS', ['two', 'words'], `PASS ${MASK}`],
    ['PASS', [], 'PASS'],
    ['APOP', ['mrose', 'c4c9334bac560ecc979e58001b3e22fb'], `APOP mrose ${MASK}`],
    ['APOP', ['mrose'], 'APOP mrose'],
    ['AUTH', ['PLAIN', 'AGFsaWNlAHNlY3JldA=='], `AUTH PLAIN ${MASK}`],
    ['AUTH', ['PLAIN'], 'AUTH PLAIN'],
    ['AUTH', [], 'AUTH'],
    ['USER', ['alice'], 'USER alice'],
    ['RETR', ['1'], 'RETR 1'],
  ])('%s %j -> %s', (verb, args, printed) => {
    expect(redactCommand(verb, args)).toBe(printed);
  });

  test('a keyword glued to the password by a tab still hides the password', () => {
    expect(redactCommand('PASS\tSECRET', [])).toBe(`PASS ${MASK}`);
    expect(redactCommand('APOP\tMROSE', ['digest'])).toBe(`APOP ${MASK}`);
  });

  test('a line starting with a blank (empty verb) is judged by its first word', () => {
    expect(redactCommand('', ['PASS', 'secret'])).toBe(`PASS ${MASK}`);
  });
});

describe('redactLine keeps the line as sent up to the secret', () => {
  test.each([
    ['PASS my secret pass', `PASS ${MASK}`],
    ['pass  secret', `pass  ${MASK}`],
    ['APOP mrose c4c9334bac560ecc979e58001b3e22fb', `APOP mrose ${MASK}`],
    ['auth plain AGFsaWNl', `auth plain ${MASK}`],
    ['AUTH PLAIN', 'AUTH PLAIN'],
    ['PASS', 'PASS'],
    ['PASS ', 'PASS '],
    [' PASS secret', ` PASS ${MASK}`],
    ['PASS\tsecret', `PASS\t${MASK}`],
    ['USER alice', 'USER alice'],
  ])('%j -> %j', (raw, printed) => {
    expect(redactLine(raw)).toBe(printed);
  });
});

describe('redactEvent', () => {
  const base = { sessionId: 1, at: 0 };

  test('masks a PASS command in verb, args and raw', () => {
    const event: Pop3Event = {
      ...base,
      type: 'command',
      verb: 'PASS',
      args: ['s3cret', 'x'],
      raw: 'PASS s3cret x',
      state: 'AUTHORIZATION',
    };
    expect(redactEvent(event)).toEqual({ ...event, args: [MASK], raw: `PASS ${MASK}` });
    expect(event.raw).toBe('PASS s3cret x');
  });

  test('masks every SASL response line, whatever it holds', () => {
    const event: Pop3Event = { ...base, type: 'sasl-response', mechanism: 'LOGIN', raw: 'c2VjcmV0' };
    expect(redactEvent(event)).toEqual({ ...event, raw: MASK });
  });

  test('returns other events unchanged', () => {
    const event: Pop3Event = { ...base, type: 'reply', status: '+OK', line: '+OK', bytes: 5 };
    expect(redactEvent(event)).toBe(event);
  });
});
