import { InputError, type Pop3Mock, startPop3Mock } from '../../../src';

/*
 * The in-process doors of the transcript API: wait and filter options are
 * checked by the same schemas as the control API's bodies, so a misspelt
 * option is an error, never a wait with the default silently used.
 */

let pop3: Pop3Mock;
beforeAll(async () => {
  pop3 = await startPop3Mock();
});
afterAll(() => pop3.close());

test.each([
  [
    'nextSession()',
    () => pop3.nextSession({ timeoutms: 5 } as never),
    'unknown key "timeoutms"; did you mean "timeoutMs"?',
  ],
  [
    'sessionEnd()',
    () => pop3.sessionEnd(undefined, { since: -1 }),
    'since: expected an integer >= 0, got -1',
  ],
  [
    'waitFor()',
    () => pop3.waitFor(() => true, { timeoutMs: 1.5 }),
    'timeoutMs: expected an integer from 0 to 600000, got 1.5',
  ],
  [
    'waitForCommand()',
    () => pop3.waitForCommand('RETR 1', { includePast: 'yes' as never }),
    'includePast: expected true or false, got "yes"',
  ],
])('%s refuses bad options with an InputError naming them', async (source, call, message) => {
  const refused = call();
  await expect(refused).rejects.toBeInstanceOf(InputError);
  await expect(refused).rejects.toThrow(`${source}: ${message}`);
});

test('commands() and listSessions() refuse an unknown filter key', () => {
  expect(() => pop3.commands({ usr: 'alice' } as never)).toThrow(
    'commands(): unknown key "usr"; did you mean "user"?',
  );
  expect(() => pop3.listSessions({ sessionId: 0 })).toThrow(
    'listSessions(): sessionId: expected an integer >= 1, got 0',
  );
});
