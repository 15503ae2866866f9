import type { FaultAction } from '../../src/faults/rule';
import type { FaultActionType } from '../../src/vocabulary';

/** `true` only when A and B are the same union (checked by `tsc`, which covers the tests). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

test('the event vocabulary names exactly the fault actions a rule can have', () => {
  const same: Same<FaultAction['type'], FaultActionType> = true;
  expect(same).toBe(true);
});
