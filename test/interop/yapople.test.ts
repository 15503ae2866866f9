import type { Pop3Mock } from '../../src';
import { dropYapople, yapople } from '../helpers/clients/yapople';
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
  stuff,
  totalOctets,
  USER,
  unstuffLines,
  withoutFinalCrlf,
} from './fixtures';

// yapople 0.4.10. It has no UIDL and no CAPA command, so the uid checks
// (UIDL values, stability across sessions and restarts) cannot be made with
// this client; they are covered by the node-pop3, poplib (npm), Python and
// curl tests. RETR/TOP return a Buffer still dot-stuffed and without the final
// CRLF (yapople slices off `\r\n.\r\n`); the tests assert exactly that and
// unstuff it themselves.

let pop3: Pop3Mock;

beforeEach(async () => {
  pop3 = await startInteropServer();
});

afterEach(async () => {
  await pop3.close();
});

/** What yapople returns for a multi-line reply carrying `data`. */
const asYapople = (data: Buffer) => withoutFinalCrlf(stuff(data));

const CRLF = Buffer.from('\r\n');

test('§2 §3 RETR returns every fixture byte-exact; STAT and LIST agree with it', async () => {
  const client = yapople(pop3.port, USER, PASSWORD);
  await client.connect();
  const stat = await client.stat();
  const list = await client.list();
  const retrieved: Buffer[] = [];
  for (let n = 1; n <= EXPECTED.length; n++) retrieved.push(await client.retr(n));
  await client.disconnect();

  const messages = pop3.mailbox(USER).messages();
  expect(
    sameBytes(
      messages.map((m) => m.bytes),
      EXPECTED,
    ),
  ).toBe(true);
  expect(stat).toEqual({ count: EXPECTED.length, length: totalOctets(EXPECTED) });
  expect(list).toEqual(Object.fromEntries(EXPECTED.map((e, i) => [String(i + 1), e.length])));
  EXPECTED.forEach((expected, i) => {
    const got = retrieved[i]!;
    expect(got.equals(asYapople(expected))).toBe(true);
    const unstuffed = Buffer.concat([unstuffLines(got), CRLF]);
    expect(unstuffed.equals(expected)).toBe(true);
    expect(unstuffed.length).toBe(messages[i]!.size);
  });
  // Checked by hand, not through any helper.
  expect(retrieved[0]!.toString('latin1')).toBe(
    'From: dots@example.com\r\nSubject: dots\r\n\r\nfirst\r\n..\r\n...\r\n..x\r\nlast',
  );
  expect(Buffer.concat([retrieved[1]!, CRLF]).equals(BARE_LF_BY_HAND)).toBe(true);
  expect(Buffer.concat([retrieved[2]!, CRLF]).equals(NO_FINAL_NEWLINE_BY_HAND)).toBe(true);
  expect(retrieved[3]!.toString('utf8')).toContain('Grüße aus Köln — 日本語 ✓');

  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([
    `USER ${USER}`,
    'PASS ******',
    'STAT',
    'LIST',
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
  const client = yapople(pop3.port, USER, PASSWORD);
  await client.connect();
  for (let n = 1; n <= 4; n++) {
    const wire = EXPECTED[n - 1]!;
    expect((await client.top(n, 0)).equals(asYapople(expectedTop(wire, 0)))).toBe(true);
    expect((await client.top(n, 2)).equals(asYapople(expectedTop(wire, 2)))).toBe(true);
  }
  // By hand: TOP 3 2 of the unterminated message; yapople cuts the CRLF the server added.
  expect((await client.top(3, 2)).toString()).toBe(
    'From: nonl@example.com\r\nSubject: no final newline\r\n\r\nbody without newline',
  );
  await client.disconnect();
  const session = await pop3.sessionEnd();
  expect(session.commands()).toContain('TOP 1 0');
  expect(session.commands()).toContain('TOP 4 2');
  expect(session.endReason).toBe('quit-update');
});

test('§8 DELE then QUIT removes the marked messages', async () => {
  const before = pop3.mailbox(USER).messages();
  const client = yapople(pop3.port, USER, PASSWORD);
  await client.connect();
  await client.dele(2);
  await client.dele(4);
  expect(await client.list()).toEqual({
    '1': EXPECTED[0]!.length,
    '3': EXPECTED[2]!.length,
    '5': EXPECTED[4]!.length,
  });
  await client.disconnect();
  const session = await pop3.sessionEnd();

  expect(session.endReason).toBe('quit-update');
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 2', 'DELE 4', 'LIST', 'QUIT']);
  expect(
    pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid),
  ).toEqual([before[0]!.uid, before[2]!.uid, before[4]!.uid]);
  expect(
    pop3
      .mailbox(USER)
      .deleted()
      .map((d) => [d.uid, d.sessionId]),
  ).toEqual([
    [before[1]!.uid, session.id],
    [before[3]!.uid, session.id],
  ]);
});

test('§8 DELE then a dropped connection (socket destroyed, no QUIT) removes nothing', async () => {
  const client = yapople(pop3.port, USER, PASSWORD);
  await client.connect();
  await client.dele(1);
  await dropYapople(client);
  const session = await pop3.sessionEnd();

  expect(session.endReason).toBe('client-closed');
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 1']);
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§5 RSET unmarks every DELE of the session', async () => {
  const client = yapople(pop3.port, USER, PASSWORD);
  await client.connect();
  await client.dele(1);
  await client.dele(3);
  await client.rset();
  expect(await client.stat()).toEqual({ count: EXPECTED.length, length: totalOctets(EXPECTED) });
  await client.disconnect();
  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([
    `USER ${USER}`,
    'PASS ******',
    'DELE 1',
    'DELE 3',
    'RSET',
    'STAT',
    'QUIT',
  ]);
  expect(session.endReason).toBe('quit-update');
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§6 a wrong password reaches yapople as a rejected connect() with the -ERR text', async () => {
  const client = yapople(pop3.port, USER, 'wrong');
  const error = await client.connect().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  await dropYapople(client);
  const session = await pop3.sessionEnd();
  const passReply = session.events.filter((e) => e.type === 'reply').at(-1)!;
  expect(passReply.status).toBe('-ERR');
  expect(`-ERR ${(error as Error).message}`).toBe(passReply.line);
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******']);
  expect(session.user).toBeUndefined();
  expect(session.endReason).toBe('client-closed');
});

test('an empty mailbox: STAT 0 0 and an empty LIST', async () => {
  const client = yapople(pop3.port, EMPTY_USER, EMPTY_PASSWORD);
  await client.connect();
  expect(await client.stat()).toEqual({ count: 0, length: 0 });
  expect(await client.list()).toEqual({});
  await client.disconnect();
  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([`USER ${EMPTY_USER}`, 'PASS ******', 'STAT', 'LIST', 'QUIT']);
  expect(session.endReason).toBe('quit-update');
});

test('§3 LIST sizes are the same in a second session and on a restarted server', async () => {
  const sizes = Object.fromEntries(EXPECTED.map((e, i) => [String(i + 1), e.length]));
  for (let round = 0; round < 3; round++) {
    if (round === 2) {
      await pop3.close();
      pop3 = await startInteropServer();
    }
    const client = yapople(pop3.port, USER, PASSWORD);
    await client.connect();
    expect(await client.list()).toEqual(sizes);
    await client.disconnect();
    expect((await pop3.sessionEnd()).endReason).toBe('quit-update');
  }
});
