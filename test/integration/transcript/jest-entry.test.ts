import { installPop3Matchers, pop3Matchers } from '../../../src/testing/jest';

// The entry files of `pop3-mock/jest` and `pop3-mock/jest-setup`.

const matcherOn = (value: unknown) => (expect(value) as unknown as Record<string, unknown>).toHaveEndedWith;

test('importing pop3-mock/jest registers nothing; jest-setup registers the matchers on the global expect', () => {
  expect(matcherOn(1)).toBeUndefined();
  jest.isolateModules(() => {
    require('../../../src/testing/jest-setup');
  });
  expect(typeof matcherOn(1)).toBe('function');
});

test('without a global expect, importing is harmless and installPop3Matchers says what is missing', () => {
  const global = globalThis as { expect?: unknown };
  const saved = global.expect;
  let install: typeof installPop3Matchers | undefined;
  let thrown: unknown;
  delete global.expect;
  try {
    jest.isolateModules(() => {
      install = (require('../../../src/testing/jest') as typeof import('../../../src/testing/jest'))
        .installPop3Matchers;
    });
    install!();
  } catch (error) {
    thrown = error;
  } finally {
    global.expect = saved;
  }
  expect(install).toBeInstanceOf(Function);
  expect(String(thrown)).toContain('pop3-mock/jest: no global expect');
  const extended: object[] = [];
  installPop3Matchers({ extend: (m) => extended.push(m) });
  expect(extended).toEqual([pop3Matchers]);
});
