/**
 * `pop3-mock/jest/global-teardown`: list it as jest's `globalTeardown` next
 * to `pop3-mock/jest/global-setup`; it stops the server and restores the
 * environment.
 */
import { globalTeardown } from './global-server';

/** Jest's `globalTeardown` hook. The default export; also exported by name, for a global teardown of your own. */
export async function pop3MockGlobalTeardown(): Promise<void> {
  await globalTeardown();
}

export default pop3MockGlobalTeardown;
