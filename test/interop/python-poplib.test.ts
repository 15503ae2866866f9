import type { Pop3Mock } from '../../src';
import {
  longResponse,
  okValue,
  type PythonOp,
  pythonExecutable,
  runPythonPoplib,
} from '../helpers/clients/python-poplib';
import {
  BARE_LF_BY_HAND,
  EMPTY_PASSWORD,
  EMPTY_USER,
  EXPECTED,
  expectedTop,
  NO_FINAL_NEWLINE_BY_HAND,
  PASSWORD,
  sameBytes,
  startInteropServer,
  totalOctets,
  USER,
  UTF8_UID,
} from './fixtures';

// Python 3.11's standard poplib, driven by test/interop/python/pop3_session.py.
// poplib unstuffs dots and splits on LF, so `b'\r\n'.join(lines) + b'\r\n'`
// rebuilds the exact octets; its `octets` figure counts the unstuffed octets
// with CRLF, the same thing LIST counts. Its lines are capped at 2048 octets
// (`_MAXLINE`), which the fixtures respect.

let pop3: Pop3Mock;

// Finding the interpreter behind a pyenv shim takes a while; do it once, outside the tests.
beforeAll(async () => {
  await pythonExecutable();
}, 10_000);

beforeEach(async () => {
  pop3 = await startInteropServer();
});

afterEach(async () => {
  await pop3.close();
});

const CRLF = Buffer.from('\r\n');
const login: PythonOp[] = [
  ['user', USER],
  ['pass_', PASSWORD],
];

/** The message octets poplib's list of lines stands for. */
const joinLines = (lines: Buffer[]) => Buffer.concat(lines.flatMap((l) => [l, CRLF]));

test('§2 §3 getwelcome, capa, stat, list, uidl and retr: every fixture byte-exact', async () => {
  const retrs: PythonOp[] = EXPECTED.map((_, i) => ['retr', i + 1]);
  const results = await runPythonPoplib(pop3.port, [
    ['getwelcome'],
    ['capa'],
    ...login,
    ['stat'],
    ['list'],
    ['uidl'],
    ...retrs,
    ['quit'],
  ]);
  const messages = pop3.mailbox(USER).messages();
  expect(
    sameBytes(
      messages.map((m) => m.bytes),
      EXPECTED,
    ),
  ).toBe(true);

  const session = await pop3.sessionEnd();
  const replies = session.events.filter((e) => e.type === 'reply');
  expect((okValue(results[0]) as Buffer).toString()).toBe(replies[0]!.line);
  const capa = okValue(results[1]) as Record<string, string[]>;
  expect(capa).toMatchObject({ TOP: [], USER: [], UIDL: [] });
  expect((okValue(results[3]) as Buffer).toString()).toMatch(/^\+OK/);
  expect(okValue(results[4])).toEqual([EXPECTED.length, totalOctets(EXPECTED)]);
  const list = longResponse(results[5]);
  expect(list.lines.map(String)).toEqual(EXPECTED.map((e, i) => `${i + 1} ${e.length}`));
  const uidl = longResponse(results[6]);
  expect(uidl.lines.map(String)).toEqual(messages.map((m) => `${m.number} ${m.uid}`));
  expect(String(uidl.lines[3])).toBe(`4 ${UTF8_UID}`);

  EXPECTED.forEach((expected, i) => {
    const retr = longResponse(results[7 + i]);
    expect(retr.resp.toString()).toMatch(/^\+OK/);
    expect(joinLines(retr.lines).equals(expected)).toBe(true);
    expect(retr.octets).toBe(expected.length);
    expect(retr.octets).toBe(messages[i]!.size);
  });
  // Checked by hand, not through any helper.
  expect(longResponse(results[7]).lines.map(String)).toEqual([
    'From: dots@example.com',
    'Subject: dots',
    '',
    'first',
    '.',
    '..',
    '.x',
    'last',
  ]);
  expect(joinLines(longResponse(results[8]).lines).equals(BARE_LF_BY_HAND)).toBe(true);
  expect(joinLines(longResponse(results[9]).lines).equals(NO_FINAL_NEWLINE_BY_HAND)).toBe(true);
  expect(longResponse(results[10]).lines[5]!.toString('utf8')).toBe('Grüße aus Köln — 日本語 ✓');

  expect(session.commands()).toEqual([
    'CAPA',
    `USER ${USER}`,
    'PASS ******',
    'STAT',
    'LIST',
    'UIDL',
    'RETR 1',
    'RETR 2',
    'RETR 3',
    'RETR 4',
    'RETR 5',
    'QUIT',
  ]);
  expect(session.endReason).toBe('quit-update');
});

test('§7 TOP n 0 and TOP n 2 send the header, the blank line and that many body lines', async () => {
  const tops: PythonOp[] = [1, 2, 3, 4].flatMap((n): PythonOp[] => [
    ['top', n, 0],
    ['top', n, 2],
  ]);
  const results = await runPythonPoplib(pop3.port, [...login, ...tops, ['quit']]);
  [1, 2, 3, 4].forEach((n, i) => {
    const wire = EXPECTED[n - 1]!;
    const top0 = longResponse(results[2 + 2 * i]);
    const top2 = longResponse(results[3 + 2 * i]);
    expect(joinLines(top0.lines).equals(expectedTop(wire, 0))).toBe(true);
    expect(joinLines(top2.lines).equals(expectedTop(wire, 2))).toBe(true);
  });
  // By hand: TOP 1 2 of the dots message.
  expect(longResponse(results[3]).lines.map(String)).toEqual([
    'From: dots@example.com',
    'Subject: dots',
    '',
    'first',
    '.',
  ]);
  const session = await pop3.sessionEnd();
  expect(session.commands()).toContain('TOP 1 0');
  expect(session.commands()).toContain('TOP 4 2');
  expect(session.endReason).toBe('quit-update');
});

test('§8 dele then quit removes the marked messages', async () => {
  const before = pop3.mailbox(USER).messages();
  const results = await runPythonPoplib(pop3.port, [...login, ['dele', 1], ['dele', 4], ['quit']]);
  expect(results.every((r) => 'ok' in r)).toBe(true);
  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 1', 'DELE 4', 'QUIT']);
  expect(session.endReason).toBe('quit-update');
  expect(session.deleted).toEqual([
    { number: 1, uid: before[0]!.uid },
    { number: 4, uid: UTF8_UID },
  ]);
  expect(
    pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid),
  ).toEqual([before[1]!.uid, before[2]!.uid, before[4]!.uid]);
  expect(
    pop3
      .mailbox(USER)
      .deleted()
      .map((d) => [d.uid, d.sessionId]),
  ).toEqual([
    [before[0]!.uid, session.id],
    [UTF8_UID, session.id],
  ]);
});

test('§8 dele then close() without quit removes nothing', async () => {
  const results = await runPythonPoplib(pop3.port, [...login, ['dele', 1], ['dele', 2], ['close']]);
  expect(results.every((r) => 'ok' in r)).toBe(true);
  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 1', 'DELE 2']);
  expect(session.endReason).toBe('client-closed');
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§5 rset unmarks every dele of the session', async () => {
  const results = await runPythonPoplib(pop3.port, [
    ...login,
    ['dele', 2],
    ['dele', 3],
    ['stat'],
    ['rset'],
    ['stat'],
    ['quit'],
  ]);
  expect(okValue(results[4])).toEqual([3, totalOctets([EXPECTED[0]!, EXPECTED[3]!, EXPECTED[4]!])]);
  expect((okValue(results[5]) as Buffer).toString()).toMatch(/^\+OK/);
  expect(okValue(results[6])).toEqual([EXPECTED.length, totalOctets(EXPECTED)]);
  const session = await pop3.sessionEnd();
  expect(session.commands()).toContain('RSET');
  expect(session.endReason).toBe('quit-update');
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§6 a wrong password raises error_proto carrying the -ERR line', async () => {
  const results = await runPythonPoplib(pop3.port, [['user', USER], ['pass_', 'wrong'], ['quit']]);
  const failure = results[1]!;
  expect(failure).toMatchObject({ error: 'error_proto' });
  const session = await pop3.sessionEnd();
  const passReply = session.events.filter((e) => e.type === 'reply')[2]!;
  expect(passReply.status).toBe('-ERR');
  expect('message' in failure && failure.message).toBe(passReply.line);
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'QUIT']);
  expect(session.endReason).toBe('quit-authorization');
});

test('an empty mailbox: stat (0, 0), empty list and uidl', async () => {
  const results = await runPythonPoplib(pop3.port, [
    ['user', EMPTY_USER],
    ['pass_', EMPTY_PASSWORD],
    ['stat'],
    ['list'],
    ['uidl'],
    ['quit'],
  ]);
  expect(okValue(results[2])).toEqual([0, 0]);
  expect(longResponse(results[3]).lines).toEqual([]);
  expect(longResponse(results[4]).lines).toEqual([]);
  expect((await pop3.sessionEnd()).endReason).toBe('quit-update');
});

test('§7 uidl is the same in two sessions and on a restarted server with the same fixtures', async () => {
  const expected = pop3
    .mailbox(USER)
    .messages()
    .map((m) => `${m.number} ${m.uid}`);
  for (let round = 0; round < 3; round++) {
    if (round === 2) {
      await pop3.close();
      pop3 = await startInteropServer();
    }
    const results = await runPythonPoplib(pop3.port, [...login, ['uidl'], ['quit']]);
    expect(longResponse(results[2]).lines.map(String)).toEqual(expected);
    expect((await pop3.sessionEnd()).endReason).toBe('quit-update');
  }
});
