import type { Pop3Mock } from '../server/pop3-mock';

/** The link that logs a browser in: the one path of the view open without the token. */
export const LOGIN_PATH = '/ui/login';

/**
 * The link that opens the view: it carries the token once, sets a cookie
 * and redirects to /ui/. Undefined when the control server is off.
 */
export function uiLink(pop3: Pop3Mock): string | undefined {
  const { controlUrl, controlToken } = pop3;
  if (controlUrl === undefined || controlToken === undefined) return undefined;
  return `${controlUrl}${LOGIN_PATH}?token=${encodeURIComponent(controlToken)}`;
}
