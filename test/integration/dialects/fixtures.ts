import type { Pop3Mock, Pop3MockOptions } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER } from '../../helpers/with-mock';

/** Two small messages with CRLF line ends, so their LIST size is their length. */
export const MESSAGES = [
  'From: a@example.com\r\nSubject: one\r\n\r\nfirst body\r\n',
  'From: b@example.com\r\nSubject: two\r\n\r\nsecond\r\nbody\r\n',
] as const;

export const SIZES = MESSAGES.map((m) => Buffer.byteLength(m));
export const TOTAL = SIZES.reduce((a, b) => a + b, 0);

export { PASSWORD, USER, withMock } from '../../helpers/with-mock';

/** Options for a mock with `alice` holding the two messages, TLS off; `options` are added. */
export function twoMessages(options: Pop3MockOptions): Pop3MockOptions {
  return { tls: false, users: { [USER]: { password: PASSWORD, messages: [...MESSAGES] } }, ...options };
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
