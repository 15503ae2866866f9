import { startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { captureAt, captureFake } from './capture-helpers';
import { startFakeServer } from './fake-server';

// Limits of server styles the presets lack, from a scripted server (fake-server.ts):
// by default it takes 600 octets before login and 1200 after, closes at the 5th bad
// command before login and the 10th after (its -ERR, then the limit line), and closes
// after an over-long line's -ERR.

/** Sends bad commands until the server closes; the replies in order. */
async function badUntilClosed(port: number): Promise<string[]> {
  const client = await RawClient.connect(port);
  const replies: string[] = [];
  client.write('XYZZY\r\n');
  for (;;) {
    const line = await client.readLine().catch(() => undefined);
    if (line === undefined || line === '') break;
    replies.push(line);
    if (/too many|bye/i.test(line)) break;
    client.write('XYZZY\r\n');
  }
  client.destroy();
  return replies;
}

test('an unknown-command reply that echoes the line: the line limits are found, not 255', async () => {
  const file = (await captureFake({ echoLine: true })).file;
  expect(file.behaviour?.maxLineLength).toEqual({ AUTHORIZATION: 600, TRANSACTION: 1200 });
  expect(file.behaviour?.closeOnLongLine).toBe(true);
  expect(file.texts?.lineTooLong).toBe('line too long');
  // The mock cannot echo arguments: the file says so.
  expect(file.notLearned).toContain(
    'unknown commands before login: the server echoes their arguments ("-ERR unknown command XPAD aaaaaaaa" to XPAD aaaaaaaa); the mock\'s unknownCommand text has the verb only',
  );
}, 60_000);

test('closing after an over-long line in one state only: no closeOnLongLine, notLearned says why', async () => {
  const file = (await captureFake({ longClose: { A: false, T: true } })).file;
  expect(file.behaviour?.closeOnLongLine).toBeUndefined();
  expect(file.notLearned).toContainEqual(
    expect.stringMatching(
      /^closeOnLongLine: the server stays open after an over-long line before login, closes after; /,
    ),
  );
}, 60_000);

test('a silent close after an over-long line: no lineTooLong text, notLearned says so', async () => {
  const file = (await captureFake({ longSilent: true })).file;
  expect(file.texts?.lineTooLong).toBeUndefined();
  expect(file.behaviour?.maxLineLength).toEqual({ AUTHORIZATION: 600, TRANSACTION: 1200 });
  expect(file.notLearned).toContainEqual(
    expect.stringMatching(/^an over-long line before login: the server closed without a reply; /),
  );
}, 60_000);

test("an over-long line answered after the timeout: no line limit learned, and the late reply is not read as the next probe's (capture, limits)", async () => {
  // The reply comes 700 ms late, the capture waits 400: read as the answer to the CAPA sent
  // after it, a late "-ERR line too long" made the server one that closes on long lines.
  const file = (await captureFake({ longLateMs: 700, longClose: { A: false, T: false } }, 400)).file;
  expect(file.behaviour?.maxLineLength).toEqual({});
  expect(file.behaviour?.closeOnLongLine).toBeUndefined();
  expect(file.notLearned).toContain(
    "a line limit before login: no reply to a line of 1024 octets within the timeout (--timeout-ms); not learned, the preset's",
  );
  expect(file.notLearned).toContain(
    "a line limit after login: no reply to a line of 2048 octets within the timeout (--timeout-ms); not learned, the preset's",
  );
}, 60_000);

test('a server that hangs after answering an over-long line: its limit is learned, whether it closes is not (capture, limits)', async () => {
  // Only 1024 and 2048 octets are too long here, so one probe a state waits out the timeout.
  const style = { hangAfterLong: true, longClose: { A: false, T: false }, maxLine: { A: 1023, T: 2047 } };
  const file = (await captureFake(style, 400)).file;
  expect(file.behaviour?.maxLineLength).toEqual({ AUTHORIZATION: 1023, TRANSACTION: 2047 });
  expect(file.texts?.lineTooLong).toBe('line too long');
  expect(file.behaviour?.closeOnLongLine).toBeUndefined();
  for (const [where, command] of [
    ['before login', 'CAPA'],
    ['after login', 'NOOP'],
  ])
    expect(file.notLearned).toContain(
      `whether the server closes after an over-long line ${where}: no reply to ${command} after it within the timeout (--timeout-ms); not learned from it`,
    );
}, 60_000);

test('the limit line in place of the last bad command reply: the limit is that command, and the replay closes there too', async () => {
  const fake = await startFakeServer({ badReplace: true });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(fake.port, { timeoutMs: 2000 });
    expect(file.behaviour?.maxBadCommands).toEqual({ AUTHORIZATION: 5, TRANSACTION: 10 });
    expect(file.texts?.tooManyBadCommands).toBe('too many errors, bye');
    expect(file.notLearned).toContain(
      'the bad-command limit before login: the server answers bad command 5 with the limit line alone; the mock sends its -ERR for the command, then that line',
    );
    replay = await startPop3Mock({ dialect: file, users: { alice: 'secret' }, tls: false });
    const live = await badUntilClosed(fake.port);
    const replayed = await badUntilClosed(replay.port);
    expect(live).toEqual([...Array(4).fill('-ERR unknown command'), '-ERR too many errors, bye']);
    expect(replayed).toEqual([...Array(5).fill('-ERR unknown command'), '-ERR too many errors, bye']);
  } finally {
    await fake.close();
    await replay?.close();
  }
}, 60_000);

test('the limit line after the last bad command reply (the mock way): the limit as it was, nothing noted', async () => {
  const file = (await captureFake({})).file;
  expect(file.behaviour?.maxBadCommands).toEqual({ AUTHORIZATION: 5, TRANSACTION: 10 });
  expect(file.notLearned?.filter((l) => /bad-command/.test(l))).toEqual([]);
}, 60_000);

test('a silent close at the bad-command limit: the limit counted right, notLearned says the mock sends a line', async () => {
  const file = (await captureFake({ badSilent: true })).file;
  expect(file.behaviour?.maxBadCommands).toEqual({ AUTHORIZATION: 5, TRANSACTION: 10 });
  expect(file.texts?.tooManyBadCommands).toBeUndefined();
  expect(file.notLearned).toContainEqual(
    expect.stringMatching(
      /^the bad-command limit before login: the server closed without a line at bad command 5; /,
    ),
  );
}, 60_000);

test('a bad-command limit above the ceiling: "none" is written with a notLearned line', async () => {
  const file = (await captureFake({ badLimit: { A: 40, T: 10 } })).file;
  expect(file.behaviour?.maxBadCommands).toEqual({ AUTHORIZATION: null, TRANSACTION: 10 });
  expect(file.notLearned).toContain(
    'a bad-command limit before login: none up to 30 bad commands (the file says none)',
  );
}, 60_000);

test('a close at the first bad command: the limit is 1, not "none" (a close was no reply to count against)', async () => {
  const fake = await startFakeServer({ badLimit: { A: 1, T: 10 }, badSilent: true });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(fake.port, { timeoutMs: 2000 });
    expect(file.behaviour?.maxBadCommands).toEqual({ AUTHORIZATION: 1, TRANSACTION: 10 });
    expect(file.notLearned).toContainEqual(
      expect.stringMatching(
        /^the bad-command limit before login: the server closed without a line at bad command 1; /,
      ),
    );
    replay = await startPop3Mock({ dialect: file, users: { alice: 'secret' }, tls: false });
    expect(await badUntilClosed(fake.port)).toEqual([]);
    // The mock's way: the command's -ERR, then the limit line, then the close.
    expect(await badUntilClosed(replay.port)).toHaveLength(2);
  } finally {
    await fake.close();
    await replay?.close();
  }
}, 60_000);

test('no reply to a bad command in time (a server that slows down or hangs): no limit is written, notLearned says so', async () => {
  const file = (await captureFake({ silentOn: ['XYZZY'] }, 500)).file;
  expect(file.behaviour?.maxBadCommands).toEqual({});
  expect(file.notLearned).toEqual(
    expect.arrayContaining([
      "a bad-command limit before login: no reply to bad command 1 within the timeout (--timeout-ms); not learned, the preset's",
      "a bad-command limit after login: no reply to bad command 1 within the timeout (--timeout-ms); not learned, the preset's",
    ]),
  );
}, 60_000);
