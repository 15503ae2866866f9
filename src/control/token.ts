import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The browser view's cookie. Browsers share cookies across the ports of one
 * host, so the name carries the port: two mocks open in one browser keep
 * their tokens apart.
 */
export function tokenCookieName(port: number): string {
  return `pop3mock_${port}`;
}

/** Compares in constant time, so the answer's timing tells nothing of the token. */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the request carries `token` as a bearer header or in the cookie `cookieName`. */
export function carriesToken(req: IncomingMessage, token: string, cookieName: string): boolean {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([name]) => name === cookieName)?.[1];
  return [bearer, cookie].some((given) => given !== undefined && sameToken(given, token));
}
