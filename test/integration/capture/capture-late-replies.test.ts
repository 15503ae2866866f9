import { on, rfcDialect, startPop3Mock } from '../../../src';
import { CAPTURE_USERS, captureAt, captureFake } from './capture-helpers';

// Replies that come after the capture stopped waiting (--timeout-ms): each must be
// dropped with its session, never read as the next probe's answer, and what it would
// have shown is left out of the file with a notLearned line.

test('a multi-line reply whose rest comes after the timeout (CAPA before login, LIST): no partial list in the file, and the rest is not read as the next replies', async () => {
  // Each sends its status line and first line at once, the rest 700 ms later; the capture waits 400.
  const style = {
    late: [
      { line: 'CAPA', nth: 1, atOnce: 2, ms: 700 },
      { line: 'LIST', nth: 1, atOnce: 2, ms: 700 },
    ],
  };
  const { file, transcript } = await captureFake(style, 400);
  // Read as whole, the CAPA list was ["USER"]: a server without UIDL and TOP.
  expect(file.capa).toEqual({ afterLogin: ['USER', 'UIDL', 'TOP'] });
  const cut = 'a multi-line reply that did not end within the timeout (--timeout-ms)';
  expect(file.notLearned).toEqual(
    expect.arrayContaining([
      `CAPA before login: ${cut}; the file has no list from it`,
      `listHeader: ${cut} where a reply was expected; not learned from it`,
    ]),
  );
  // The replies after each are their own: the rest of LIST was read as CAPA's reply.
  const after = (sent: string, state: string) =>
    transcript.find((e) => e.sent === sent && e.state === state)?.reply;
  expect(after('CAPA', 'TRANSACTION')).toEqual(['+OK', 'USER', 'UIDL', 'TOP']);
  expect(after('AUTH', 'AUTHORIZATION')?.[0]).toBe('-ERR unknown command');
  expect(file.texts?.noop).toBe('');
  // Without LIST's sizes, RETR's size is not told from its text, nor LIST 2 after DELE from the RFC's.
  expect(file.texts?.retrieved).toBeUndefined();
  expect(file.observed).not.toHaveProperty('rfcNumberingAfterDele');
  expect(file.notLearned).toEqual(
    expect.arrayContaining([
      'retrieved: LIST gave no size for message 1 to tell {size} from the text; not learned',
      'message numbers after DELE: LIST gave no size for message 2 to compare LIST 2 with; not learned',
    ]),
  );
}, 60_000);

test('single-line replies that come after the timeout, and a close after a wrong password: no limit, numbering or login behaviour is decided from them', async () => {
  const style = {
    badReplace: true,
    late: [
      // Before login (a limit of 5, the limit line in place of the 5th reply): the second
      // session's 4th XYZZY (the server's 9th); a late reply was read as CAPA's.
      { line: 'XYZZY', nth: 9, ms: 700 },
      // After login (a limit of 10): NOOP after 9 bad commands.
      { line: 'NOOP', afterBad: 3, ms: 700 },
      { line: 'LIST 2', ms: 700 },
      { line: 'USER pop3-mock-capture-no-such-user', ms: 700 },
      // The reference line of the line-limit search, in both states.
      { line: 'XPAD aaaaaaaa', ms: 700 },
    ],
    closeOnWrongPassOf: 'alice',
  };
  const { file } = await captureFake(style, 400);
  // Both limits were written one short (4 and 9), the silent good command taken for a refusal.
  expect(file.behaviour?.maxBadCommands).toEqual({});
  expect(file.texts?.tooManyBadCommands).toBe('too many errors, bye');
  // LIST 2 after DELE with no reply was taken for renumbering.
  expect(file.observed).not.toHaveProperty('rfcNumberingAfterDele');
  // A wrong password's close was taken for a reply other than the bare PASS's (false).
  expect(file.behaviour).not.toHaveProperty('barePassTriesEmptyPassword');
  const noReply = 'no reply within the timeout (--timeout-ms)';
  expect(file.notLearned).toEqual(
    expect.arrayContaining([
      `a bad-command limit before login: in a second session, no reply to bad command 4 within the timeout (--timeout-ms); not learned, the preset's`,
      `a bad-command limit after login: in a second session, no reply to NOOP after 9 bad commands within the timeout (--timeout-ms); not learned, the preset's`,
      `message numbers after DELE: LIST 2 after DELE 1: ${noReply}; not learned`,
      `authFailed (an unknown user): not probed, USER of an unknown user got ${noReply}`,
      "PASS with a wrong password: the server closed the connection; behaviour.barePassTriesEmptyPassword is the preset's",
      // Before: "a line of 255 octets was not answered as an unknown command".
      `a line limit before login: XPAD aaaaaaaa got ${noReply}; not learned, the preset's`,
      `a line limit after login: XPAD aaaaaaaa got ${noReply}; not learned, the preset's`,
    ]),
  );
  // The late +OK to USER was read as the PASS's answer: a server that says +OK to a failed login.
  expect(file.notLearned).not.toContainEqual(expect.stringMatching(/^authFailed: the server answered "\+OK/));
}, 60_000);

test('--starttls, CAPA before STLS answered after the timeout: STLS goes in a new session, and the file has no list from before it', async () => {
  const live = await startPop3Mock({ dialect: 'rfc', users: CAPTURE_USERS });
  try {
    await live.use(on('CAPA').once().delay(700));
    const { file, transcript } = await captureAt(live.port, {
      starttls: true,
      tlsOptions: { ca: live.tls.ca },
      timeoutMs: 400,
    });
    expect(file.capa?.beforeLogin).toBeUndefined();
    expect(file.capa?.afterStls).toContain('USER');
    expect(file.notLearned).toContain(
      'CAPA before STLS: no reply within the timeout (--timeout-ms); the file has no list from it',
    );
    // Before, STLS's text was CAPA's header, and every reply after it the previous command's.
    expect(transcript.find((e) => e.sent === 'STLS')?.reply).toEqual([`+OK ${rfcDialect.texts.stlsBegin}`]);
    expect(file.texts?.stlsBegin).toBe(rfcDialect.texts.stlsBegin);
  } finally {
    await live.close();
  }
}, 60_000);

test('STAT after RSET answered after the timeout: the capture stops saying so, not that the mailbox changed', async () => {
  // The second STAT the server is sent (the first is the login's count).
  await expect(captureFake({ late: [{ line: 'STAT', nth: 2, ms: 700 }] }, 400)).rejects.toThrow(
    'after RSET, STAT got no reply within the timeout (--timeout-ms): the mailbox was not checked, stopping',
  );
}, 60_000);
