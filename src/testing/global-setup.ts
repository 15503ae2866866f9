/**
 * `pop3-mock/jest/global-setup`: list it as jest's `globalSetup` to start one
 * pop3-mock for the whole run (with `pop3-mock/jest/global-teardown` as
 * `globalTeardown`). It reads `pop3-mock.config.js`, `.cjs` or `.json` from
 * jest's `rootDir` (or the file named by `POP3_MOCK_CONFIG`) and hands the
 * server's address to the workers in `POP3_MOCK_*` environment variables; a
 * worker connects with `connectPop3Mock()`.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   globalSetup: 'pop3-mock/jest/global-setup',
 *   globalTeardown: 'pop3-mock/jest/global-teardown',
 * };
 */
import { globalSetup } from './global-server';

/** What jest passes: its global and project configs (only `rootDir` is read). */
export interface JestConfigLike {
  rootDir?: string;
}

/**
 * Jest's `globalSetup` hook: starts the server, configured from the config
 * file in `rootDir`. The default export; also exported by name, for a
 * global setup of your own that does more.
 */
export async function pop3MockGlobalSetup(
  globalConfig?: JestConfigLike,
  projectConfig?: JestConfigLike,
): Promise<void> {
  await globalSetup({ rootDir: projectConfig?.rootDir ?? globalConfig?.rootDir });
}

export default pop3MockGlobalSetup;
