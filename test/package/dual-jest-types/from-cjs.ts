// CommonJS (package.json "type"): pop3-mock/jest resolves to dist/jest.d.ts.
import { startPop3Mock } from 'pop3-mock';
import { type Pop3Matchers, pop3Matchers } from 'pop3-mock/jest';

expect.extend(pop3Matchers);

export async function receivedFromCjs(): Promise<void> {
  const pop3 = await startPop3Mock();
  expect(pop3).toHaveReceivedCommand('RETR 1', { times: 1 });
  await pop3.close();
}

// jest's Matchers and a Pop3Matchers of this format in one interface.
export interface CjsMatchers extends jest.Matchers<void>, Pop3Matchers<void> {}
