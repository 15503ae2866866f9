import { captureFake } from './capture-helpers';

// Replies that come after the capture stopped waiting (--timeout-ms): each must be
// dropped with its session, never read as the next probe's answer, and what it would
// have shown is left out of the file with a notLearned line.

test('a multi-line reply whose rest comes after the timeout (CAPA before login, LIST): no partial list in the file, and the rest is not read as the next replies', async () => {
  // Each sends its status line and first line at once, the rest 700 ms later; the capture waits 400.
  const style = {
    lateBody: [
      { line: 'CAPA', ms: 700 },
      { line: 'LIST', ms: 700 },
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
