import { show } from '../schema/check';
import { InputError } from '../schema/input-error';
import type { Pop3Mock } from '../server/pop3-mock';

/** The link that logs a browser in: the one path of the view open without the token. */
export const LOGIN_PATH = '/ui/login';

/**
 * The link that opens the view: it carries the token once, sets a cookie
 * and redirects to /ui/. Undefined when the control server is off.
 */
export function uiLink(pop3: Pop3Mock): string | undefined {
  // Anything else would answer undefined, read as "the control API is off".
  if (typeof pop3 !== 'object' || pop3 === null || !('controlToken' in pop3)) {
    throw new InputError(
      [{ path: 'pop3', message: `expected the server startPop3Mock() resolves with, got ${show(pop3)}` }],
      'uiLink()',
    );
  }
  const { controlUrl, controlToken } = pop3;
  if (controlUrl === undefined || controlToken === undefined) return undefined;
  return `${controlUrl}${LOGIN_PATH}?token=${encodeURIComponent(controlToken)}`;
}
