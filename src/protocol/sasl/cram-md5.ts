import { createHmac, randomBytes } from 'node:crypto';
import type { SaslMechanism } from './mechanism';

/**
 * CRAM-MD5 (RFC 2195): the server sends a fresh msg-id-like challenge; the
 * client answers `user SP hex(HMAC-MD5(password, challenge))`.
 */
export const cramMd5: SaslMechanism = {
  name: 'CRAM-MD5',
  serverFirst: true,
  create(env) {
    const challenge = `<${randomBytes(8).toString('hex')}.${Date.now()}@${env.hostname}>`;
    return {
      start: (initial) =>
        initial === undefined
          ? { kind: 'challenge', data: Buffer.from(challenge) }
          : { kind: 'failure', reason: 'malformed' },
      next(message) {
        const match = /^(.+) ([0-9a-f]{32})$/.exec(message.toString('utf8'));
        if (!match) return { kind: 'failure', reason: 'malformed' };
        const [, user, digest] = match as unknown as [string, string, string];
        const password = env.password(user);
        const expected =
          password === undefined ? '' : createHmac('md5', password).update(challenge).digest('hex');
        return expected === digest
          ? { kind: 'success', user }
          : { kind: 'failure', reason: 'credentials', user };
      },
    };
  },
};
