import { show } from '../schema/check';
import { InputError } from '../schema/input-error';
import type { Pop3Mock } from '../server/pop3-mock';

/** The link that logs a browser in: the one path of the view open without the token. */
export const LOGIN_PATH = '/ui/login';

/** What the link is made of: the server in process and the remote client both carry it. */
export interface ControlAddress {
  readonly controlUrl: string | undefined;
  readonly controlToken: string | undefined;
}

/**
 * The link that opens the view: it carries the token once, sets a cookie
 * and redirects to /ui/. Undefined when the control server is off. Takes the
 * server `startPop3Mock()` resolves with, or the remote client
 * `connectPop3Mock()` resolves with (a jest worker's).
 */
export function uiLink(pop3: Pop3Mock | ControlAddress): string | undefined {
  // Anything else would answer undefined, read as "the control API is off".
  if (typeof pop3 !== 'object' || pop3 === null || !('controlToken' in pop3) || !('controlUrl' in pop3)) {
    throw new InputError(
      [
        {
          path: 'pop3',
          message: `expected the server startPop3Mock() resolves with, or the client connectPop3Mock() resolves with, got ${show(pop3)}`,
        },
      ],
      'uiLink()',
    );
  }
  const { controlUrl, controlToken } = pop3;
  if (controlUrl === undefined || controlToken === undefined) return undefined;
  return `${controlUrl}${LOGIN_PATH}?token=${encodeURIComponent(controlToken)}`;
}
