import type { SaslMechanism, SaslStep } from './mechanism';

const USERNAME = Buffer.from('Username:');
const PASSWORD = Buffer.from('Password:');

/**
 * LOGIN (draft-murchison-sasl-login): user name, then password, each after a
 * challenge. The challenges are `Username:`/`Password:`, which one widely
 * deployed client requires. `AUTH LOGIN <b64-user>` skips the first.
 */
export const login: SaslMechanism = {
  name: 'LOGIN',
  serverFirst: false,
  create(env) {
    let user: string | undefined;
    const takeUser = (message: Buffer): SaslStep => {
      user = message.toString('utf8');
      return { kind: 'challenge', data: PASSWORD };
    };
    return {
      start: (initial) => (initial === undefined ? { kind: 'challenge', data: USERNAME } : takeUser(initial)),
      next(message) {
        if (user === undefined) return takeUser(message);
        const password = message.toString('utf8');
        return env.password(user) === password
          ? { kind: 'success', user }
          : { kind: 'failure', reason: 'credentials', user };
      },
    };
  },
};
