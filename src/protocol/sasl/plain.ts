import type { SaslMechanism } from './mechanism';

/** PLAIN (RFC 4616): `[authzid] NUL authcid NUL passwd`, client first. */
export const plain: SaslMechanism = {
  name: 'PLAIN',
  serverFirst: false,
  create(env) {
    const check = (message: Buffer) => {
      const parts = message.toString('utf8').split('\0');
      if (parts.length !== 3) return { kind: 'failure', reason: 'malformed' } as const;
      const [authzid, user, password] = parts as [string, string, string];
      // Acting for another identity is not supported: authzid must be empty or the user itself.
      if (authzid !== '' && authzid !== user)
        return { kind: 'failure', reason: 'credentials', user } as const;
      return env.password(user) === password && user !== ''
        ? ({ kind: 'success', user } as const)
        : ({ kind: 'failure', reason: 'credentials', user } as const);
    };
    return {
      start: (initial) =>
        initial === undefined ? { kind: 'challenge', data: Buffer.alloc(0) } : check(initial),
      next: check,
    };
  },
};
