import { createHash } from 'node:crypto';
import type { Mailbox } from '../../mailbox/mailbox';
import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { err } from '../reply';
import { saslprep } from '../saslprep';
import { login } from '../steps/login';

const DIGEST = /^[0-9a-fA-F]{32}$/;

/**
 * APOP name digest (RFC 1939 §7): MD5 over this connection's greeting
 * timestamp followed by the shared secret, as 32 hex digits. A digest from
 * another connection fails, since its timestamp differs.
 */
export const apop: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args) {
    // Without a timestamp APOP is refused whatever its arguments (Dovecot, GreenMail).
    const timestamp = ctx.greetingTimestamp;
    if (timestamp === undefined) return err(ctx.texts.apopNotEnabled);
    const bad = checkArity(ctx, 'APOP', args, 2, 2);
    if (bad) return bad;
    const [user, digest] = args as [string, string];
    // Length first, then hex, as Dovecot checks them (the one preset with two texts).
    if (digest.length !== 32) return err(ctx.texts.apopBadDigestLength ?? ctx.texts.apopBadDigest);
    if (!DIGEST.test(digest)) return err(ctx.texts.apopBadDigest);
    ctx.pendingUser = undefined;
    const verify = (mailbox: Mailbox) => {
      // In UTF-8 mode the secret goes through SASLprep before hashing (RFC 6856 §2.2).
      const secret = ctx.utf8Mode ? saslprep(mailbox.password) : mailbox.password;
      const expected = createHash('md5')
        .update(timestamp + secret)
        .digest('hex');
      return expected === digest.toLowerCase();
    };
    return login(ctx, { user, mechanism: 'APOP', verify });
  },
};
