import { type MessageSource, type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../src';

/** The user most tests log in as. */
export const USER = 'alice';
export const PASSWORD = 'secret';

/** Starts a mock, runs `fn`, and always closes the mock. */
export async function withMock(
  options: Pop3MockOptions,
  fn: (pop3: Pop3Mock) => Promise<void>,
): Promise<void> {
  const pop3 = await startPop3Mock(options);
  try {
    await fn(pop3);
  } finally {
    await pop3.close();
  }
}

/** {@link withMock} with one user {@link USER}/{@link PASSWORD} holding `messages`. */
export function withMailbox(
  messages: MessageSource | readonly MessageSource[],
  fn: (pop3: Pop3Mock) => Promise<void>,
  options: Pop3MockOptions = {},
): Promise<void> {
  return withMock({ ...options, users: { [USER]: { password: PASSWORD, messages } } }, fn);
}
