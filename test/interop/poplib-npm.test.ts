import type { Pop3Mock } from '../../src';
import { PoplibNpm } from '../helpers/clients/poplib-npm';
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
  UTF8_UID,
  unstuffLines,
  withoutFinalCrlf,
} from './fixtures';

// poplib 0.1.7 from npm (event API, wrapped in test/helpers/clients/poplib-npm.ts).
// Client quirks the assertions follow:
// - it decodes everything with toString('ascii'), which clears the high bit of
//   each octet, so the 8-bit UTF-8 message comes back mangled: the test
//   asserts the mangled form (octet & 0x7f) and its length, the only thing
//   this client can show;
// - RETR data is still dot-stuffed and lacks the final CRLF;
// - TOP data is still dot-stuffed and keeps the final CRLF.

let pop3: Pop3Mock;

beforeEach(async () => {
  pop3 = await startInteropServer();
});

afterEach(async () => {
  await pop3.close();
});

/** What poplib's `ascii` decoding makes of some octets. */
const ascii = (bytes: Buffer) => Buffer.from(bytes.map((b) => b & 0x7f)).toString('latin1');
const asRetr = (wire: Buffer) => ascii(withoutFinalCrlf(stuff(wire)));
const asTop = (wire: Buffer) => ascii(stuff(wire));

async function login(user = USER, password = PASSWORD): Promise<PoplibNpm> {
  const client = await PoplibNpm.connect(pop3.port);
  const reply = await client.login(user, password);
  expect(reply.ok).toBe(true);
  return client;
}

test('§2 §3 RETR returns every fixture byte-exact; STAT, LIST and UIDL agree with it', async () => {
  const client = await PoplibNpm.connect(pop3.port);
  expect(client.banner.startsWith('+OK')).toBe(true);
  const capa = await client.capa();
  expect(capa.ok).toBe(true);
  expect(capa.lines).toEqual(expect.arrayContaining(['TOP', 'USER', 'UIDL']));
  expect((await client.login(USER, PASSWORD)).ok).toBe(true);
  const stat = await client.stat();
  const list = await client.list();
  const uidl = await client.uidl();
  const retrieved: string[] = [];
  for (let n = 1; n <= EXPECTED.length; n++) {
    const reply = await client.retr(n);
    expect(reply.ok).toBe(true);
    retrieved.push(reply.data!);
  }
  expect((await client.quit()).ok).toBe(true);

  const messages = pop3.mailbox(USER).messages();
  expect(
    sameBytes(
      messages.map((m) => m.bytes),
      EXPECTED,
    ),
  ).toBe(true);
  expect([stat.count, stat.octets]).toEqual([String(EXPECTED.length), String(totalOctets(EXPECTED))]);
  expect(list.count).toBe(EXPECTED.length);
  expect(list.sizes.slice(1)).toEqual(EXPECTED.map((e) => String(e.length)));
  expect(uidl.uids.slice(1)).toEqual(messages.map((m) => m.uid));
  expect(uidl.uids[4]).toBe(UTF8_UID);
  EXPECTED.forEach((expected, i) => {
    const got = retrieved[i]!;
    expect(got).toBe(asRetr(expected));
    // Octets survive except for the client's own high-bit clearing.
    const unstuffed = Buffer.concat([unstuffLines(Buffer.from(got, 'latin1')), Buffer.from('\r\n')]);
    expect(unstuffed.length).toBe(messages[i]!.size);
    if (i !== 3) expect(unstuffed.equals(expected)).toBe(true);
  });
  // Checked by hand, not through any helper.
  expect(retrieved[0]).toBe(
    'From: dots@example.com\r\nSubject: dots\r\n\r\nfirst\r\n..\r\n...\r\n..x\r\nlast',
  );
  expect(`${retrieved[1]}\r\n`).toBe(BARE_LF_BY_HAND.toString());
  expect(`${retrieved[2]}\r\n`).toBe(NO_FINAL_NEWLINE_BY_HAND.toString());
  // "ü" is C3 BC in UTF-8; with the high bit cleared poplib shows 0x43 0x3C ("C<").
  expect(retrieved[3]).toContain('GrC<');

  const session = await pop3.sessionEnd();
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
  const client = await login();
  for (let n = 1; n <= 4; n++) {
    const wire = EXPECTED[n - 1]!;
    expect((await client.top(n, 0)).data).toBe(asTop(expectedTop(wire, 0)));
    expect((await client.top(n, 2)).data).toBe(asTop(expectedTop(wire, 2)));
  }
  // By hand: TOP 2 0 of the bare-LF message is its header and the blank line, in CRLF.
  expect((await client.top(2, 0)).data).toBe('From: lf@example.com\r\nSubject: bare lf\r\n\r\n');
  await client.quit();
  const session = await pop3.sessionEnd();
  expect(session.commands()).toContain('TOP 2 0');
  expect(session.commands()).toContain('TOP 4 2');
});

test('§8 DELE then QUIT removes the marked message', async () => {
  const before = pop3.mailbox(USER).messages();
  const client = await login();
  expect((await client.dele(5)).ok).toBe(true);
  expect((await client.dele(5)).ok).toBe(false);
  await client.quit();
  const session = await pop3.sessionEnd();

  expect(session.endReason).toBe('quit-update');
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 5', 'DELE 5', 'QUIT']);
  expect(session.deleted).toEqual([{ number: 5, uid: before[4]!.uid }]);
  expect(
    pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid),
  ).toEqual(before.slice(0, 4).map((m) => m.uid));
  const deleted = pop3.mailbox(USER).deleted();
  expect(deleted.map((d) => [d.uid, d.size, d.sessionId])).toEqual([
    [before[4]!.uid, EXPECTED[4]!.length, session.id],
  ]);
});

test('§8 DELE then a connection closed without QUIT (poplib end(), a FIN) removes nothing', async () => {
  const client = await login();
  expect((await client.dele(1)).ok).toBe(true);
  expect((await client.dele(2)).ok).toBe(true);
  await client.end();
  const session = await pop3.sessionEnd();

  expect(session.endReason).toBe('client-closed');
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 1', 'DELE 2']);
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§5 RSET unmarks every DELE of the session', async () => {
  const client = await login();
  await client.dele(4);
  expect((await client.rset()).ok).toBe(true);
  const stat = await client.stat();
  expect([stat.count, stat.octets]).toEqual([String(EXPECTED.length), String(totalOctets(EXPECTED))]);
  await client.quit();
  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'DELE 4', 'RSET', 'STAT', 'QUIT']);
  expect(session.endReason).toBe('quit-update');
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§6 a wrong password reaches poplib as a failed login carrying the -ERR line', async () => {
  const client = await PoplibNpm.connect(pop3.port);
  const reply = await client.login(USER, 'wrong');
  expect(reply.ok).toBe(false);
  expect((await client.quit()).ok).toBe(true);
  const session = await pop3.sessionEnd();
  const passReply = session.events.filter((e) => e.type === 'reply')[2]!;
  expect(passReply.status).toBe('-ERR');
  expect(reply.raw).toBe(`${passReply.line}\r\n`);
  expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******', 'QUIT']);
  expect(session.endReason).toBe('quit-authorization');
});

test('an empty mailbox: STAT 0 0, empty LIST and UIDL', async () => {
  const client = await login(EMPTY_USER, EMPTY_PASSWORD);
  const stat = await client.stat();
  expect([stat.count, stat.octets]).toEqual(['0', '0']);
  const list = await client.list();
  expect([list.ok, list.count, list.sizes]).toEqual([true, 0, []]);
  const uidl = await client.uidl();
  expect([uidl.ok, uidl.uids]).toEqual([true, []]);
  await client.quit();
  const session = await pop3.sessionEnd();
  expect(session.commands()).toEqual([`USER ${EMPTY_USER}`, 'PASS ******', 'STAT', 'LIST', 'UIDL', 'QUIT']);
});

test('§7 UIDL is the same in two sessions and on a restarted server with the same fixtures', async () => {
  const uids = pop3
    .mailbox(USER)
    .messages()
    .map((m) => m.uid);
  for (let round = 0; round < 3; round++) {
    if (round === 2) {
      await pop3.close();
      pop3 = await startInteropServer();
    }
    const client = await login();
    expect((await client.uidl()).uids.slice(1)).toEqual(uids);
    await client.quit();
    expect((await pop3.sessionEnd()).endReason).toBe('quit-update');
  }
});
