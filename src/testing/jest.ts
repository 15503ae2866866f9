/**
 * `pop3-mock/jest`: matchers for `expect`, in jest and vitest. Importing this
 * file has no side effect; register the matchers with
 * `expect.extend(pop3Matchers)`, or list `pop3-mock/jest-setup` in jest's
 * `setupFilesAfterEnv` (vitest: `setupFiles`).
 *
 * @example
 * // jest.config.js: setupFilesAfterEnv: ['pop3-mock/jest-setup']
 * expect(pop3).toHaveReceivedCommand('RETR 1');
 * expect(session).toHaveEndedWith('quit-update');
 *
 * @example
 * // vitest (3.2+; older: `interface Assertion<T = any>`), e.g. in vitest.d.ts.
 * // `void`, not `T`: pop3-mock/jest also declares jest's global Matchers
 * // (jest-global.d.ts), which vitest's Assertion extends too, and the two
 * // must agree (`tsc` with skipLibCheck off refuses `Pop3Matchers<T>`).
 * import type { Pop3Matchers } from 'pop3-mock/jest';
 * declare module 'vitest' {
 *   interface Matchers<T = any> extends Pop3Matchers<void> {}
 * }
 *
 * @example
 * // `import { expect } from '@jest/globals'` (types from the `expect` package):
 * declare module 'expect' {
 *   interface Matchers<R extends void | Promise<void>, T = unknown> extends Pop3Matchers<R> {}
 * }
 */
import { pop3Matchers } from './jest-matchers';

// One declaration for both module formats, with jest's Matchers extending it (see the file).
export type { Pop3Matchers } from '../jest-global.js';
export type { CommandPattern } from '../transcript/pattern';
export type { SessionFilter } from '../transcript/query';
export type { Times, VerifyOptions } from '../transcript/verify';
export type { EndReason, LocatedCommand } from '../vocabulary';
export { type GlobalSetupOptions, globalSetup, globalTeardown } from './global-server';
export type { Pop3MatcherResult, TlsFailureExpectation, TlsRefusalExpectation } from './jest-matchers';
export { pop3Matchers };

/** Anything with jest's or vitest's `expect.extend`. */
export interface ExtensibleExpect {
  extend(matchers: typeof pop3Matchers): void;
}

/**
 * Registers the matchers on `expect` (by default the global one, looked up
 * now, so importing this file outside a test runner is harmless).
 */
export function installPop3Matchers(expect?: ExtensibleExpect): void {
  const target = expect ?? (globalThis as { expect?: ExtensibleExpect }).expect;
  if (!target || typeof target.extend !== 'function') {
    throw new Error(
      'pop3-mock/jest: no global expect; run this inside jest or vitest (setupFilesAfterEnv), or pass expect',
    );
  }
  target.extend(pop3Matchers);
}
