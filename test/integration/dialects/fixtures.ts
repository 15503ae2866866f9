import { type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';

/** Two small messages with CRLF line ends, so their LIST size is their length. */
export const MESSAGES = [
  'From: a@example.com\r\nSubject: one\r\n\r\nfirst body\r\n',
  'From: b@example.com\r\nSubject: two\r\n\r\nsecond\r\nbody\r\n',
] as const;

export const SIZES = MESSAGES.map((m) => Buffer.byteLength(m));
export const TOTAL = SIZES.reduce((a, b) => a + b, 0);

export const USER = 'alice';
export const PASSWORD = 'secret';

/** Starts a mock with `alice` and the two messages, runs `fn`, always closes it. */
export async function withMock(
  options: Pop3MockOptions,
  fn: (pop3: Pop3Mock) => Promise<void>,
): Promise<void> {
  const pop3 = await startPop3Mock({
    tls: false,
    users: { [USER]: { password: PASSWORD, messages: [...MESSAGES] } },
    ...options,
  });
  try {
    await fn(pop3);
  } finally {
    await pop3.close();
  }
}

/** Sends USER and PASS, returning both replies (any dialect: no assumption on texts). */
export async function login(client: RawClient, user = USER, password = PASSWORD): Promise<[string, string]> {
  return [await client.command(`USER ${user}`), await client.command(`PASS ${password}`)];
}

/** Connects and logs in as alice, failing on any `-ERR`. */
export async function loggedIn(pop3: Pop3Mock): Promise<RawClient> {
  const client = await RawClient.connect(pop3.port);
  const [u, p] = await login(client);
  if (!u.startsWith('+OK') || !p.startsWith('+OK')) throw new Error(`login failed: ${u} / ${p}`);
  return client;
}

/** A multi-line reply's data lines (still stuffed), without the terminator. */
export function dataLines(wire: Buffer): string[] {
  const text = wire.toString('latin1');
  return text === '' ? [] : text.replace(/\r\n$/, '').split('\r\n');
}

/** The scan listing the mock must send for MESSAGES, numbers `from` on. */
export const scanListing = (numbers: readonly number[] = [1, 2]) =>
  numbers.map((n) => `${n} ${SIZES[n - 1]}`);
