import { startPop3Mock } from '../../../src';
import type { Capture } from '../../../src/capture/capture-dialect';
import { dovecotDialect } from '../../../src/dialects';
import { generateTlsMaterial } from '../../../src/server/tls/certificate-modes';
import { type DovecotServer, dovecotInstalled } from '../../helpers/dovecot';
import { b64 } from '../extensions/helpers';
import { CAPTURE_USER, CAPTURE_USERS, captureAt, startCaptureDovecot } from './capture-helpers';
import { comparableLines, converse, converseConcurrently } from './conversations';
import { HOLD_OUT_2 } from './hold-out-2';

// A second live Dovecot, set up as many are: STLS offered, no APOP. Captured once in cleartext;
// the conversations of hold-out-2.ts run against it and against a mock replaying the capture.
let dovecot: DovecotServer;
let live: Capture;
let fromDovecot: string[];

/**
 * Lines the mock answers otherwise, on purpose (src/dialects/dovecot.ts, "Not emulated"):
 * Dovecot takes control characters in a command line and echoes them after login; the
 * mock refuses such a line (badCharacters) and never writes one into a reply.
 */
const KNOWN_DIFFERENCES = ['RETR\\x091', 'LIST 1\\x09', 'NOOP\\x09'];
const known = (line: string) => KNOWN_DIFFERENCES.some((sent) => line.includes(` ${sent} => `));

beforeAll(async () => {
  if (!dovecotInstalled()) throw new Error('dovecot is not installed: apt-get install -y dovecot-pop3d');
  dovecot = await startCaptureDovecot({
    tls: generateTlsMaterial(),
  });
  // The conversations run alongside the capture, and alongside each other, up to the one that
  // commits a DELE (second to last): failed logins Dovecot still holds, they can wait out together.
  const committing = HOLD_OUT_2.length - 2;
  const [capture, early] = await Promise.all([
    captureAt(dovecot.port),
    converseConcurrently(dovecot.port, HOLD_OUT_2, 0, committing),
  ]);
  live = capture;
  fromDovecot = comparableLines([...early, ...(await converse(dovecot.port, HOLD_OUT_2, committing))]);
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
});

test('the capture learns how Dovecot reads arguments, a bare PASS and its line limits, as the preset has them', () => {
  const { behaviour, texts } = live.file;
  expect(behaviour?.argumentReader).toEqual(dovecotDialect.argumentReader);
  expect(behaviour?.barePassTriesEmptyPassword).toBe(true);
  // Measured with a 4-letter command before login, as the preset's limit is.
  expect(behaviour?.maxLineLength).toEqual(dovecotDialect.maxLineLength);
  // Each learned text gives what the preset gives (the file would replay without it).
  const preset = dovecotDialect.texts;
  expect(texts?.junkAfterNumber).toBe(`${preset.junkAfterNumber('{junk}')}`);
  expect(texts?.junkAfterLineCount).toBe(`${preset.junkAfterLineCount('{junk}')}`);
  expect(texts?.numberTooLarge).toBe(`${preset.numberTooLarge('{rest}')}`);
  expect(texts?.lineCountTooLarge).toBe(`${preset.lineCountTooLarge('{rest}')}`);
  expect(texts?.invalidLineCount).toBe(`${preset.invalidLineCount('{argument}', '{rest}')}`);
  expect(texts?.emptyCommand).toBe(preset.emptyCommand?.('TRANSACTION'));
  expect(texts?.authBadBase64Padding).toBe(preset.authBadBase64Padding);
  expect(texts?.loggedIn).toBe(preset.loggedIn(0, 0, 'AUTH'));
  expect(JSON.stringify(live.transcript)).not.toContain(b64(`\0${CAPTURE_USER}\0`));
});

// The second to last conversation commits a DELE on both servers (on Dovecot in beforeAll).
test('hold-out 2: what clients send, sloppy or not, gets the same replies from the replay', async () => {
  const replay = await startPop3Mock({ dialect: live.file, users: CAPTURE_USERS });
  let fromReplay: string[];
  try {
    fromReplay = comparableLines(await converse(replay.port, HOLD_OUT_2));
  } finally {
    await replay.close();
  }
  expect(fromReplay.filter((l) => !known(l))).toEqual(fromDovecot.filter((l) => !known(l)));
  // Every conversation ran to its end on the live server, and the known differences are still there.
  const ran = HOLD_OUT_2.map((_, i) => fromDovecot.filter((l) => l.startsWith(`#${i} `)).length - 1);
  expect(ran).toEqual(HOLD_OUT_2.map((steps) => steps.length));
  const differing = fromDovecot.filter((l, i) => l !== fromReplay[i]);
  expect(differing.map((l) => KNOWN_DIFFERENCES.find((sent) => l.includes(` ${sent} => `)))).toEqual(
    KNOWN_DIFFERENCES,
  );
  const committed = HOLD_OUT_2.length - 2;
  expect(fromDovecot).toContain(`#${committed} QUIT => +OK Logging out, messages deleted.`);
}, 60_000);
