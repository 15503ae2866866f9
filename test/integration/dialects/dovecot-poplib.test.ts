import { dovecotDialect } from '../../../src/dialects';
import {
  longResponse,
  okValue,
  pythonExecutable,
  runPythonPoplib,
} from '../../helpers/clients/python-poplib';
import { MESSAGES, PASSWORD, SIZES, TOTAL, twoMessages, USER, withMock } from './fixtures';

// Python's standard poplib against the Dovecot preset: what a Python test
// suite sees when it swaps a real Dovecot for the mock.

beforeAll(async () => {
  await pythonExecutable();
}, 10_000);

const text = (value: unknown) => (value as Buffer).toString('latin1');

test('§25 Python poplib: Dovecot texts, CAPA dict, and the -ERR of a missing message as error_proto', async () => {
  await withMock(twoMessages({ dialect: dovecotDialect }), async (pop3) => {
    const results = await runPythonPoplib(pop3.port, [
      ['getwelcome'],
      ['capa'],
      ['user', USER],
      ['pass_', PASSWORD],
      ['stat'],
      ['list'],
      ['retr', 1],
      ['dele', 1],
      ['retr', 1],
      ['retr', 3],
      ['quit'],
    ]);
    const [welcome, capa, user, pass, stat, list, retr, dele, deleted, missing, quit] = results;
    expect(text(okValue(welcome))).toBe('+OK Dovecot ready.');
    // poplib splits each line into name and parameters; dict order is the server's order.
    expect(okValue(capa)).toEqual({
      CAPA: [],
      TOP: [],
      UIDL: [],
      'RESP-CODES': [],
      PIPELINING: [],
      'AUTH-RESP-CODE': [],
      USER: [],
      SASL: ['PLAIN', 'LOGIN'],
    });
    expect(Object.keys(okValue(capa) as object)).toEqual([
      'CAPA',
      'TOP',
      'UIDL',
      'RESP-CODES',
      'PIPELINING',
      'AUTH-RESP-CODE',
      'USER',
      'SASL',
    ]);
    expect(text(okValue(user))).toBe('+OK');
    expect(text(okValue(pass))).toBe('+OK Logged in.');
    expect(okValue(stat)).toEqual([2, TOTAL]);
    const listing = longResponse(list);
    expect(text(listing.resp)).toBe('+OK 2 messages:');
    expect(listing.lines.map(text)).toEqual([`1 ${SIZES[0]}`, `2 ${SIZES[1]}`]);
    const message = longResponse(retr);
    expect(text(message.resp)).toBe(`+OK ${SIZES[0]} octets`);
    expect(`${message.lines.map(text).join('\r\n')}\r\n`).toBe(MESSAGES[0]);
    expect(text(okValue(dele))).toBe('+OK Marked to be deleted.');
    expect(deleted).toEqual({ error: 'error_proto', message: '-ERR Message is deleted.' });
    expect(missing).toEqual({ error: 'error_proto', message: "-ERR There's no message 3." });
    expect(text(okValue(quit))).toBe('+OK Logging out, messages deleted.');
    await pop3.sessionEnd();
    expect(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.size),
    ).toEqual([SIZES[1]]);
  });
});
