import { timingSafeEqual } from 'node:crypto';
import type { CommandSpec } from '../command';
import { err } from '../reply';
import { saslprep } from '../saslprep';
import { login } from '../steps/login';

/**
 * PASS string (RFC 1939 §7): valid only right after a `+OK` to USER. The
 * password is the rest of the line, spaces included. The USER name is used
 * up either way, so a retry needs a new USER (unless the dialect keeps it). A bare PASS keeps it, unless
 * the dialect tries the empty password (Dovecot).
 */
export const pass: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, _args, rest) {
    if (!ctx.plaintextAllowed) return err(ctx.texts.plaintextDisallowed);
    const name = ctx.pendingUser;
    if (name === undefined) return err(ctx.texts.passWithoutUser);
    if (rest === '' && !ctx.dialect.barePassTriesEmptyPassword) return err(ctx.texts.missingArgument('PASS'));
    // A retry needs USER again, unless the dialect keeps the name (GreenMail); a login ends the need for it.
    if (!ctx.dialect.failedPassKeepsUser) ctx.pendingUser = undefined;
    // In UTF-8 mode both sides go through SASLprep (RFC 6856 §2.2).
    const prep = ctx.utf8Mode ? saslprep : (s: string) => s;
    return login(ctx, {
      user: name,
      mechanism: 'USER',
      // A method, not an arrow in a property: the build names such an arrow with a call per login (see login.ts).
      verify(mailbox) {
        return samePassword(prep(mailbox.password), prep(rest));
      },
    });
  },
};

function samePassword(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
