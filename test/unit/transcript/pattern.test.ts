import { describePattern, matchesCommand } from '../../../src/transcript/pattern';
import type { LocatedCommand } from '../../../src/vocabulary';
import { SyntheticSession } from './synthetic';

const command = (raw: string): LocatedCommand =>
  new SyntheticSession().command(raw).record.locatedCommands()[0]!;

describe('string patterns', () => {
  test.each([
    ['RETR 1', 'RETR 1', true],
    ['retr 1', 'RETR 1', true],
    ['RETR 1', 'retr 1', true],
    ['RETR 1', 'RETR  1', true],
    ['RETR 1', 'RETR 2', false],
    ['RETR', 'RETR 1', false],
    ['RETR *', 'RETR 7', true],
    ['RETR *', 'RETR', false],
    ['TOP 1 *', 'TOP 1 10', true],
    ['USER Alice', 'USER alice', false],
    ['PASS my secret', 'PASS my secret', true],
    ['PASS my secret', 'PASS my  secret', false],
    ['PASS *', 'PASS anything at all', true],
  ])('%j against %j: %s', (pattern, raw, expected) => {
    expect(matchesCommand(pattern, command(raw))).toBe(expected);
  });
});

test('RegExp patterns test the command text with real values, whatever lastIndex was', () => {
  const global = /^RETR \d+$/g;
  expect(matchesCommand(global, command('RETR 12'))).toBe(true);
  expect(matchesCommand(global, command('RETR 13'))).toBe(true);
  expect(matchesCommand(/^PASS hunter2$/, command('PASS hunter2'))).toBe(true);
});

test('function patterns see the located command', () => {
  expect(matchesCommand((c) => c.verb === 'NOOP' && c.state === 'AUTHORIZATION', command('noop'))).toBe(true);
});

test('describePattern masks secrets in string patterns and hides RegExps about secret commands', () => {
  expect(describePattern('PASS hunter2')).toBe('"PASS ******"');
  expect(describePattern('retr 1')).toBe('"RETR 1"');
  expect(describePattern(/^RETR \d/)).toBe('/^RETR \\d/');
  expect(describePattern(/^PASS hunter2$/)).not.toContain('hunter2');
  expect(
    describePattern(function isNoop() {
      return true;
    }),
  ).toBe('a command matching isNoop()');
});

test('located commands carry their position, the user at the time and the first line of their reply', () => {
  const s = new SyntheticSession(4)
    .reply('+OK ready')
    .command('USER alice')
    .reply('+OK')
    .command('PASS x')
    .login('alice')
    .reply('+OK in')
    .command('STAT');
  expect(s.record.locatedCommands().map((c) => [c.index, c.verb, c.user, c.reply, c.sessionId])).toEqual([
    [1, 'USER', undefined, '+OK', 4],
    [2, 'PASS', undefined, '+OK in', 4],
    [3, 'STAT', 'alice', undefined, 4],
  ]);
});
