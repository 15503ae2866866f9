import type { SaslMechanism, SaslStep } from './mechanism';

/** The JSON error Google sends in a challenge before failing the exchange. */
const ERROR_JSON = JSON.stringify({ status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' });

/**
 * XOAUTH2 (Google): `user=U ^A auth=Bearer T ^A ^A`. On a bad token the
 * server sends the JSON error as a challenge; the client answers with an
 * empty line, and then the exchange fails.
 */
export const xoauth2: SaslMechanism = {
  name: 'XOAUTH2',
  serverFirst: false,
  create(env) {
    let failedUser: string | undefined;
    let failed = false;
    const check = (message: Buffer): SaslStep => {
      const match = /^user=([^\x01]*)\x01auth=Bearer ([^\x01]+)\x01\x01$/i.exec(message.toString('utf8'));
      if (!match) return { kind: 'failure', reason: 'malformed' };
      const [, user, token] = match as unknown as [string, string, string];
      if (env.acceptsToken(user, token)) return { kind: 'success', user };
      failed = true;
      failedUser = user;
      return { kind: 'challenge', data: Buffer.from(ERROR_JSON) };
    };
    return {
      start: (initial) =>
        initial === undefined ? { kind: 'challenge', data: Buffer.alloc(0) } : check(initial),
      next: (message) =>
        failed ? { kind: 'failure', reason: 'credentials', user: failedUser } : check(message),
    };
  },
};
