import { type Pop3Mock, type SessionRecord, startPop3Mock } from '../../src';
import { runCurl, runCurlMany } from '../helpers/clients/curl';
import {
  BARE_LF_BY_HAND,
  EMPTY_PASSWORD,
  EMPTY_USER,
  EXPECTED,
  expectedTop,
  interopOptions,
  NO_FINAL_NEWLINE_BY_HAND,
  PASSWORD,
  startInteropServer,
  USER,
  UTF8_UID,
} from './fixtures';

// curl's POP3 support (libcurl 7.88 here). curl reads CAPA and logs in with
// the best SASL mechanism offered (CRAM-MD5 from the mock's default list),
// falling back to USER/PASS when CAPA offers no SASL. It runs one command per
// URL and always ends with QUIT after a successful login, so it cannot show a
// session dropped after DELE; the other clients cover that. curl unstuffs
// dots and, per RFC 1939 §3, writes the CRLF before the terminating `.` as
// part of the message, so its output is the message's exact wire form.
// Quirk: for an empty listing (`+OK` CRLF `.` CRLF) it still prints that CRLF.

let pop3: Pop3Mock;

beforeEach(async () => {
  pop3 = await startInteropServer();
});

afterEach(async () => {
  await pop3.close();
});

const auth = (user = USER, password = PASSWORD) => ['-u', `${user}:${password}`];

/** The commands after CAPA and the login, whichever way curl logged in. */
const afterLogin = (session: SessionRecord) =>
  session.commands().filter((c) => !/^(CAPA|USER|PASS|AUTH)( |$)/.test(c));

/** The list lines curl prints: `n value` CRLF each. */
const listing = (values: readonly (string | number)[]) => values.map((v, i) => `${i + 1} ${v}\r\n`).join('');

test('§2 curl pop3://host/1 -u alice:secret prints message 1 byte-exact, dots unstuffed', async () => {
  const result = await runCurl([`${pop3.url}/1`, ...auth()]);
  expect(result.code).toBe(0);
  // By hand: the body lines `.`, `..` and `.x` come back as stored.
  expect(result.stdout.toString()).toBe(
    'From: dots@example.com\r\nSubject: dots\r\n\r\nfirst\r\n.\r\n..\r\n.x\r\nlast\r\n',
  );
  expect(result.stdout.equals(pop3.mailbox(USER).messages()[0]!.bytes)).toBe(true);
  const session = await pop3.sessionEnd();
  expect(session.commands()[0]).toBe('CAPA');
  expect(session.user).toBe(USER);
  expect(afterLogin(session)).toEqual(['RETR 1', 'QUIT']);
  expect(session.retrieved).toEqual([{ number: 1, uid: pop3.mailbox(USER).messages()[0]!.uid }]);
  expect(session.endReason).toBe('quit-update');
});

test('§2 §3 every fixture through curl (one reused connection): the CRLF wire form, LIST-sized', async () => {
  const urls = EXPECTED.map((_, i) => [`${pop3.url}/${i + 1}`]);
  const result = await runCurlMany(urls, auth());
  expect(result.code).toBe(0);
  const messages = pop3.mailbox(USER).messages();
  result.outputs.forEach((out, i) => {
    expect(out.equals(EXPECTED[i]!)).toBe(true);
    expect(out.equals(messages[i]!.bytes)).toBe(true);
    expect(out.length).toBe(messages[i]!.size);
  });
  // Checked by hand, not through any helper.
  expect(result.outputs[1]!.equals(BARE_LF_BY_HAND)).toBe(true);
  expect(result.outputs[2]!.equals(NO_FINAL_NEWLINE_BY_HAND)).toBe(true);
  expect(result.outputs[3]!.toString('utf8')).toContain('Grüße aus Köln — 日本語 ✓');

  expect(pop3.sessions).toHaveLength(1);
  const session = await pop3.sessionEnd();
  expect(afterLogin(session)).toEqual([...EXPECTED.map((_, i) => `RETR ${i + 1}`), 'QUIT']);
  expect(session.endReason).toBe('quit-update');
});

test('§6 curl logs in with CRAM-MD5 from the default CAPA, and with USER/PASS when no SASL is offered', async () => {
  const sasl = await runCurl([`${pop3.url}/1`, ...auth()]);
  expect(sasl.stdout.equals(EXPECTED[0]!)).toBe(true);
  const first = await pop3.sessionEnd();
  expect(first.commands()).toEqual(['CAPA', 'AUTH CRAM-MD5', 'RETR 1', 'QUIT']);
  expect(first.user).toBe(USER);

  const plain = await startPop3Mock({ ...interopOptions(), capabilities: { sasl: [] } });
  try {
    const result = await runCurl([`${plain.url}/1`, ...auth()]);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(EXPECTED[0]!)).toBe(true);
    const session = await plain.sessionEnd();
    expect(session.commands()).toEqual(['CAPA', `USER ${USER}`, 'PASS ******', 'RETR 1', 'QUIT']);
    expect(session.commandEvents()[2]!.raw).toBe(`PASS ${PASSWORD}`);
    expect(session.endReason).toBe('quit-update');

    const denied = await runCurl([`${plain.url}/1`, ...auth(USER, 'wrong')]);
    expect(denied.code).toBe(67);
    const refused = await plain.sessionEnd();
    expect(refused.commands().slice(0, 3)).toEqual(['CAPA', `USER ${USER}`, 'PASS ******']);
    expect(refused.user).toBeUndefined();
  } finally {
    await plain.close();
  }
});

test('§5 curl pop3://host/ lists the messages (LIST); the sizes are the RETR byte counts', async () => {
  const result = await runCurl([`${pop3.url}/`, ...auth()]);
  expect(result.code).toBe(0);
  expect(result.stdout.toString()).toBe(listing(EXPECTED.map((e) => e.length)));
  expect(result.stdout.toString()).toBe(
    listing(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.size),
    ),
  );
  const session = await pop3.sessionEnd();
  expect(afterLogin(session)).toEqual(['LIST', 'QUIT']);
});

test('§7 curl -X UIDL prints the uids of the mailbox, the same in two sessions and after a restart', async () => {
  const uids = pop3
    .mailbox(USER)
    .messages()
    .map((m) => m.uid);
  expect(uids[3]).toBe(UTF8_UID);
  for (let round = 0; round < 3; round++) {
    if (round === 2) {
      await pop3.close();
      pop3 = await startInteropServer();
    }
    const result = await runCurl([pop3.url, '-X', 'UIDL', ...auth()]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe(listing(uids));
    const session = await pop3.sessionEnd();
    expect(afterLogin(session)).toEqual(['UIDL', 'QUIT']);
  }
});

test('§7 curl -X "TOP n 0" and "TOP n 2" print the header, blank line and that many body lines', async () => {
  const tops = [1, 2, 3, 4].flatMap((n) => [0, 2].map((lines) => ({ n, lines })));
  const result = await runCurlMany(
    tops.map(({ n, lines }) => [pop3.url, '-X', `TOP ${n} ${lines}`]),
    auth(),
  );
  expect(result.code).toBe(0);
  tops.forEach(({ n, lines }, i) => {
    expect(result.outputs[i]!.equals(expectedTop(EXPECTED[n - 1]!, lines))).toBe(true);
  });
  // By hand: TOP 1 2 of the dots message, unstuffed by curl.
  expect(result.outputs[1]!.toString()).toBe('From: dots@example.com\r\nSubject: dots\r\n\r\nfirst\r\n.\r\n');
  const session = await pop3.sessionEnd();
  expect(afterLogin(session)).toEqual([...tops.map(({ n, lines }) => `TOP ${n} ${lines}`), 'QUIT']);
});

test('§8 curl -X "DELE 1" -I deletes message 1 at its QUIT', async () => {
  const before = pop3.mailbox(USER).messages();
  // -I (--head): DELE has a one-line reply, so curl must not wait for a body.
  const result = await runCurl([pop3.url, '-X', 'DELE 1', '-I', ...auth()]);
  expect(result.code).toBe(0);
  const session = await pop3.sessionEnd();
  expect(afterLogin(session)).toEqual(['DELE 1', 'QUIT']);
  expect(session.endReason).toBe('quit-update');
  expect(session.deleted).toEqual([{ number: 1, uid: before[0]!.uid }]);
  expect(
    pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid),
  ).toEqual(before.slice(1).map((m) => m.uid));
  expect(
    pop3
      .mailbox(USER)
      .deleted()
      .map((d) => [d.uid, d.sessionId]),
  ).toEqual([[before[0]!.uid, session.id]]);
});

test('§5 DELE then RSET on one reused connection (curl --next) removes nothing', async () => {
  const result = await runCurl([
    pop3.url,
    '-X',
    'DELE 2',
    '-I',
    ...auth(),
    '--next',
    pop3.url,
    '-X',
    'RSET',
    '-I',
    ...auth(),
  ]);
  expect(result.code).toBe(0);
  expect(pop3.sessions).toHaveLength(1);
  const session = await pop3.sessionEnd();
  expect(afterLogin(session)).toEqual(['DELE 2', 'RSET', 'QUIT']);
  expect(session.endReason).toBe('quit-update');
  expect(session.deleted).toEqual([]);
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
  expect(pop3.mailbox(USER).deleted()).toEqual([]);
});

test('§6 a wrong password makes curl exit with 67 (CURLE_LOGIN_DENIED)', async () => {
  const result = await runCurl([`${pop3.url}/1`, ...auth(USER, 'wrong')]);
  expect(result.code).toBe(67);
  expect(result.stdout.length).toBe(0);
  const session = await pop3.sessionEnd();
  // After the refused login curl closes without QUIT.
  expect(session.commands()).toEqual(['CAPA', 'AUTH CRAM-MD5']);
  expect(session.events.filter((e) => e.type === 'reply').at(-1)).toMatchObject({ status: '-ERR' });
  expect(session.user).toBeUndefined();
  expect(session.endReason).toBe('client-closed');
  expect(pop3.mailbox(USER).messages()).toHaveLength(EXPECTED.length);
});

test('an empty mailbox: curl lists nothing and UIDL prints nothing (but the CRLF of the terminator)', async () => {
  const list = await runCurl([`${pop3.url}/`, ...auth(EMPTY_USER, EMPTY_PASSWORD)]);
  expect([list.code, list.stdout.toString()]).toEqual([0, '\r\n']);
  const uidl = await runCurl([pop3.url, '-X', 'UIDL', ...auth(EMPTY_USER, EMPTY_PASSWORD)]);
  expect([uidl.code, uidl.stdout.toString()]).toEqual([0, '\r\n']);
  await pop3.sessionEnd();
  expect(pop3.sessions.map(afterLogin)).toEqual([
    ['LIST', 'QUIT'],
    ['UIDL', 'QUIT'],
  ]);
});
