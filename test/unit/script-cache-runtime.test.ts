import * as probe from '../helpers/runtime-probe';

// The suite's jest runtime (test/helpers/script-cache-runtime.cjs) shares a
// module's compiled code between test files, never its state.

test('a module is evaluated afresh in a new registry', () => {
  let again: typeof probe | undefined;
  jest.isolateModules(() => {
    again = require('../helpers/runtime-probe') as typeof probe;
  });
  expect(again).not.toBe(probe);
  expect(again!.state).not.toBe(probe.state);
  expect([probe.state.loads, again!.state.loads]).toEqual([1, 1]);
});

test('stack traces name the line of the source', () => {
  expect(probe.throwOnLine7).toThrow(
    expect.objectContaining({ stack: expect.stringMatching(/runtime-probe\.ts:7:\d+\)/) }),
  );
});
