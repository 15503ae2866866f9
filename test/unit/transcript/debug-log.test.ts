import { attachDebugLog, debugEnabled, debugLoggerFromEnv } from '../../../src/transcript/debug-log';
import { EventHub } from '../../../src/transcript/event-hub';
import { aliceSession } from './synthetic';

test.each([
  [undefined, false],
  ['', false],
  ['pop3-mock', true],
  ['express,pop3-mock', true],
  ['express pop3-mock', true],
  ['pop3-*', true],
  ['*', true],
  ['*,-pop3-mock', false],
  ['pop3-mock-extra', false],
  ['express', false],
])('DEBUG=%j turns the printout %s', (value, on) => {
  expect(debugEnabled(value)).toBe(on);
  expect(debugLoggerFromEnv({ DEBUG: value }) !== undefined).toBe(on);
});

test('the debug log prints every line with its session id, secrets masked, until stopped', () => {
  const hub = new EventHub();
  const lines: string[] = [];
  const stop = attachDebugLog(hub, (line) => lines.push(line));
  for (const event of aliceSession(3, undefined, 40_000).record.events) hub.emit(event);
  expect(lines.slice(0, 6)).toEqual([
    'pop3-mock #3 -- connected from 127.0.0.1:40000',
    'pop3-mock #3 S: +OK pop3-mock ready',
    'pop3-mock #3 C: USER alice',
    'pop3-mock #3 S: +OK send PASS for alice',
    'pop3-mock #3 C: PASS ******',
    'pop3-mock #3 -- login ok: alice via USER',
  ]);
  expect(lines.at(-1)).toBe('pop3-mock #3 -- ended: quit-update');
  expect(lines.join('\n')).not.toContain('hunter2');
  const count = lines.length;
  stop();
  hub.emit(aliceSession(4).record.events[0]!);
  expect(lines).toHaveLength(count);
});
