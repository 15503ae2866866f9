import { type DialectName, dialects, startPop3Mock } from '../../../src';
import { CAPTURE_MESSAGES, CAPTURE_USER, CAPTURE_USERS, captureAt, comparable } from './capture-helpers';

// Greetings with a per-session id (gmail) differ per connection; the rest must match.
const normalise = (lines: string[]) =>
  lines.map((l) => l.replace(/Gpop ready for requests from \S+ \S+/, 'Gpop ready <id>'));

describe.each(Object.keys(dialects) as DialectName[])('capture the %s preset and replay it', (preset) => {
  // With APOP the greeting has a timestamp: its shape is captured and the replay's greetings carry one too.
  test.each([false, true])(
    'every reply of the probe script is the same from the replay (APOP %s)',
    async (apop) => {
      const original = await startPop3Mock({ dialect: preset, users: CAPTURE_USERS, tls: false, apop });
      let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
      try {
        const first = await captureAt(original.port);
        expect(first.file.format).toBe('pop3-mock-dialect/1');
        expect(first.file.behaviour?.apopTimestamp).toBe(apop ? '<{digits}.{digits}.{digits}@{host}>' : null);
        replay = await startPop3Mock({ dialect: first.file, users: CAPTURE_USERS, tls: false });
        const second = await captureAt(replay.port);
        expect(normalise(comparable(second.transcript))).toEqual(normalise(comparable(first.transcript)));
        expect(second.file).toEqual(first.file);
        // Nothing was deleted: the mailbox still holds every message.
        expect(original.mailbox(CAPTURE_USER).messages()).toHaveLength(CAPTURE_MESSAGES.length);
        expect(original.mailbox(CAPTURE_USER).deleted()).toEqual([]);
      } finally {
        await original.close();
        await replay?.close();
      }
    },
    60_000,
  );
});
