/**
 * `pop3-mock/jest-setup`: registers the pop3-mock matchers on the global
 * `expect`. List it in jest's `setupFilesAfterEnv` (vitest: `setupFiles`).
 */
import { installPop3Matchers } from './jest';

// Re-exported so a program that includes this file also sees the `jest.Matchers` declarations.
export type { Pop3Matchers } from './jest';

installPop3Matchers();
