// A module for test/unit/script-cache-runtime.test.ts: state to see it evaluated
// afresh, and a throw at a known line (7) to see stack traces keep their lines.
export const state = { loads: 0 };
state.loads += 1;

export function throwOnLine7(): never {
  throw new Error('thrown on line 7');
}
