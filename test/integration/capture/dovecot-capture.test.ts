import { startPop3Mock } from '../../../src';
import type { Capture } from '../../../src/capture/capture-dialect';
import { generateTlsMaterial } from '../../../src/server/tls/certificate-modes';
import { type DovecotServer, dovecotInstalled } from '../../helpers/dovecot';
import {
  CAPTURE_PASSWORD,
  CAPTURE_USER,
  CAPTURE_USERS,
  captureAt,
  comparable,
  startCaptureDovecot,
} from './capture-helpers';
import { comparableLines, converse, converseConcurrently } from './conversations';
import { HOLD_OUT } from './hold-out';

// A real Dovecot (Debian: apt-get install -y dovecot-pop3d), started by the test itself,
// with STLS and APOP on as a production server would have them. Captured once.
let dovecot: DovecotServer;
let live: Capture;
let fingerprints: { before: string; after: string };

beforeAll(async () => {
  if (!dovecotInstalled()) throw new Error('dovecot is not installed: apt-get install -y dovecot-pop3d');
  const { key, cert } = generateTlsMaterial();
  dovecot = await startCaptureDovecot({
    tls: { key, cert },
    apop: true,
  });
  const before = dovecot.mailboxFingerprint();
  live = await captureAt(dovecot.port);
  fingerprints = { before, after: dovecot.mailboxFingerprint() };
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
});

test('capture a live Dovecot, replay the file: every reply of the script is the same, the Maildir untouched', async () => {
  expect(fingerprints.after).toBe(fingerprints.before);
  const { file } = live;
  expect(file.extends).toBe('dovecot');
  expect(file.texts?.listHeader).toBe('{count} messages:');
  expect(file.texts?.noSuchMessage).toBe("There's no message {number}.");
  // get_msgnum() prints the rest of the line: learned from `TOP abc 1`.
  expect(file.texts?.invalidNumber).toBe('Invalid message number: {rest}');
  expect(file.behaviour).toMatchObject({
    maxBadCommands: { AUTHORIZATION: 3, TRANSACTION: 21 },
    userTakesRestOfLine: true,
  });
  // Dovecot's `<%x.%x.%lx.%s@%s>`: pid, counter, time in hex (all digits now and then), random base64, host name.
  const number = '\\{(hex|digits)\\}';
  expect(file.behaviour?.apopTimestamp).toMatch(
    new RegExp(`^<${number}\\.${number}\\.${number}\\.\\{base64\\}@\\{host\\}>$`),
  );
  expect(file.observed?.rfcNumberingAfterDele).toBe(true);
  // Logins by APOP and AUTH PLAIN: their +OK learned, the digest and the PLAIN message masked.
  const masked = live.transcript.filter((e) => e.sent.endsWith(' ********') && !e.sent.startsWith('PASS'));
  expect(masked.map((e) => [e.sent, e.reply[0]])).toEqual([
    ['AUTH PLAIN ********', '+OK Logged in.'],
    [`APOP ${CAPTURE_USER} ********`, '+OK Logged in.'],
  ]);
  expect(file.texts?.loggedIn).toBe('Logged in.');
  expect(file.notLearned).toContain('CAPA after STLS: capture with --starttls to learn it');
  // No password, no message content, no host name of this machine.
  const json = JSON.stringify(file);
  expect(json).not.toContain(CAPTURE_PASSWORD);
  expect(json).not.toContain('Hello');
  expect(json).not.toMatch(/@(?!\{host\})[^"]*>/);

  const replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS });
  try {
    const replayed = await captureAt(replay.port);
    expect(comparable(replayed.transcript)).toEqual(comparable(live.transcript));
    expect(replayed.file).toEqual(file);
  } finally {
    await replay.close();
  }
}, 60_000);

// Conversations the probe script does not hold (hold-out.ts), recorded from the live server,
// then run against a mock replaying the capture with the same messages. Last in this file:
// its last conversation commits a DELE on both.
test('hold-out: conversations outside the probe script get the same replies from the replay', async () => {
  const replay = await startPop3Mock({ dialect: live.file, users: CAPTURE_USERS });
  try {
    // Dovecot's conversations up to the committing one (last) side by side, and the replay's meanwhile.
    const last = HOLD_OUT.length - 1;
    const [early, fromReplay] = await Promise.all([
      converseConcurrently(dovecot.port, HOLD_OUT, 0, last),
      converse(replay.port, HOLD_OUT),
    ]);
    const fromDovecot = [...early, ...(await converse(dovecot.port, HOLD_OUT, last))];
    expect(comparableLines(fromReplay)).toEqual(comparableLines(fromDovecot));
    // Every conversation was held (a command sent in each, the greeting lines aside), and the APOP
    // one logged in with the digest of the greeting's timestamp.
    const commands = fromDovecot.filter((l) => !/^#\d+ greeting => /.test(l));
    expect(new Set(commands.map((l) => l.split(' ')[0])).size).toBe(HOLD_OUT.length);
    expect(fromDovecot.filter((l) => / APOP \S+ <digest> => \+OK/.test(l))).toHaveLength(1);
    // The QUIT after DELE: the capture never commits one, the preset's text must fit.
    expect(fromDovecot.at(-1)).toBe(`#${HOLD_OUT.length - 1} QUIT => +OK Logging out, messages deleted.`);
  } finally {
    await replay.close();
  }
}, 60_000);
