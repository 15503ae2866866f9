// An ES module in the same program: pop3-mock/jest resolves to dist/jest.d.mts.
import { startPop3Mock } from 'pop3-mock';
import { type Pop3Matchers, pop3Matchers } from 'pop3-mock/jest';

expect.extend(pop3Matchers);

export async function receivedFromEsm(): Promise<void> {
  const pop3 = await startPop3Mock();
  expect(pop3).not.toHaveReceivedCommand('DELE *');
  await pop3.close();
}

// As vitest's Assertion (vitest.d.ts in the README): jest's Matchers and a Pop3Matchers
// imported here, in the other format.
export interface EsmMatchers extends jest.Matchers<void>, Pop3Matchers<void> {}
