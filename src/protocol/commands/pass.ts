import { timingSafeEqual } from 'node:crypto';
import type { CommandSpec } from '../command';
import { err } from '../reply';

/**
 * PASS string (RFC 1939 §7): valid only right after a `+OK` to USER. The
 * password is the rest of the line, spaces included. The USER name is used
 * up either way, so a retry needs a new USER.
 */
export const pass: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, _args, rest) {
    if (!ctx.plaintextAllowed) return err(ctx.texts.plaintextDisallowed);
    const name = ctx.pendingUser;
    if (name === undefined) return err(ctx.texts.passWithoutUser);
    if (rest === '') return err(ctx.texts.missingArgument('PASS'));
    ctx.pendingUser = undefined;
    return ctx.login(name, 'USER', (mailbox) => samePassword(mailbox.password, rest));
  },
};

function samePassword(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
