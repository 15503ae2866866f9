import { describeNearMiss, editDistance, nearMisses } from '../../../src/transcript/near-miss';
import { SyntheticSession } from './synthetic';

test.each([
  ['', '', 0],
  ['RETR 1', 'RETR 1', 0],
  ['RETR 1', 'RETR 2', 1],
  ['RETR 1', 'RETR 12', 1],
  ['kitten', 'sitting', 3],
  ['', 'abc', 3],
])('editDistance(%j, %j) = %d', (a, b, d) => {
  expect(editDistance(a, b)).toBe(d);
  expect(editDistance(b, a)).toBe(d);
});

function commands(...raws: string[]) {
  const s = new SyntheticSession();
  for (const raw of raws) s.command(raw).reply('+OK');
  return s.record.locatedCommands();
}

test('near misses put the same verb first, then the smallest edit distance', () => {
  const seen = commands('LIST 3', 'RETR 10', 'DELE 3', 'RETR 2', 'STAT');
  const ranked = nearMisses(seen, 'RETR 3').map((m) => m.command.raw);
  expect(ranked).toEqual(['RETR 2', 'RETR 10', 'DELE 3', 'LIST 3', 'STAT']);
});

test('a RegExp pattern ranks by its verb and a plain form of its source', () => {
  const seen = commands('LIST 3', 'TOP 1 10', 'TOP 2 5');
  expect(nearMisses(seen, /^TOP 1 \d+$/, 2).map((m) => m.command.raw)).toEqual(['TOP 1 10', 'TOP 2 5']);
});

test('a predicate pattern has no text: its near misses are the latest commands', () => {
  const seen = commands('USER a', 'STAT', 'NOOP');
  expect(nearMisses(seen, () => false, 2).map((m) => m.command.raw)).toEqual(['NOOP', 'STAT']);
});

test('a near miss prints the session, position, state, command and reply, but no distance for a secret', () => {
  const seen = commands('RETR 2', 'PASS hunter2');
  const [retr, pass] = [nearMisses(seen, 'RETR 3')[0]!, nearMisses(seen, 'PASS hunter3')[0]!];
  expect(describeNearMiss(retr)).toBe(
    'session 1 #1 in AUTHORIZATION: RETR 2  -> +OK  (same verb, distance 1)',
  );
  expect(describeNearMiss(pass)).toBe('session 1 #2 in AUTHORIZATION: PASS ******  -> +OK  (same verb)');
});
