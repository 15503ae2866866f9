import { startPop3Mock } from '../../../src';
import { type DovecotServer, dovecotInstalled, startDovecot } from '../../helpers/dovecot';
import { CAPTURE_MESSAGES, CAPTURE_PASSWORD, CAPTURE_USER, captureAt, comparable } from './capture-helpers';

// A real Dovecot (Debian: apt-get install -y dovecot-pop3d), started by the test itself.
let dovecot: DovecotServer;

beforeAll(async () => {
  if (!dovecotInstalled()) throw new Error('dovecot is not installed: apt-get install -y dovecot-pop3d');
  dovecot = await startDovecot(CAPTURE_USER, CAPTURE_PASSWORD, CAPTURE_MESSAGES);
}, 30_000);

afterAll(async () => {
  await dovecot?.stop();
});

test('capture a live Dovecot, replay the file: every reply of the script is the same, the Maildir untouched', async () => {
  const before = dovecot.mailboxFingerprint();
  const live = await captureAt(dovecot.port);
  expect(dovecot.mailboxFingerprint()).toBe(before);

  const { file } = live;
  expect(file.extends).toBe('dovecot');
  expect(file.texts?.listHeader).toBe('{count} messages:');
  expect(file.texts?.noSuchMessage).toBe("There's no message {number}.");
  expect(file.behaviour?.maxLineLength).toEqual({
    AUTHORIZATION: expect.any(Number),
    TRANSACTION: expect.any(Number),
  });
  expect(file.behaviour?.maxBadCommands).toEqual({ AUTHORIZATION: 3, TRANSACTION: 21 });
  expect(file.observed?.rfcNumberingAfterDele).toBe(true);
  // No password, no message content.
  const json = JSON.stringify(file);
  expect(json).not.toContain(CAPTURE_PASSWORD);
  expect(json).not.toContain('Hello');

  const replay = await startPop3Mock({
    dialect: file,
    users: { [CAPTURE_USER]: { password: CAPTURE_PASSWORD, messages: CAPTURE_MESSAGES } },
    tls: false,
  });
  try {
    const replayed = await captureAt(replay.port);
    // One known gap: Dovecot answers a bare USER with +OK, the mock has no knob for it
    // (docs/DIALECTS.md, dovecot); the replay's -ERR is followed by the CAPA sentinel.
    const withoutBareUser = (lines: string[]) =>
      lines.filter(
        (l, i) =>
          !l.startsWith('AUTHORIZATION USER =>') && !lines[i - 1]?.startsWith('AUTHORIZATION USER => -ERR'),
      );
    expect(withoutBareUser(comparable(replayed.transcript))).toEqual(
      withoutBareUser(comparable(live.transcript)),
    );
    expect(comparable(live.transcript)).toContain('AUTHORIZATION USER => +OK');
    // The same file again, but for the note about the bare USER above.
    expect({ ...replayed.file, notLearned: [] }).toEqual({ ...file, notLearned: [] });
  } finally {
    await replay.close();
  }
}, 120_000);
