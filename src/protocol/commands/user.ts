import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { err, ok } from '../reply';

/**
 * USER name (RFC 1939 §7). Always `+OK`, known user or not, so the reply
 * never tells which names exist (§13). The last USER wins. A dialect may
 * take the rest of the line as the name, even an empty one (Dovecot).
 */
export const user: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args, rest) {
    if (!ctx.plaintextAllowed) return err(ctx.texts.plaintextDisallowed);
    if (ctx.dialect.userTakesRestOfLine) {
      ctx.pendingUser = rest;
      return ok(ctx.texts.userAccepted(rest));
    }
    const bad = checkArity(ctx, 'USER', args, 1, 1);
    if (bad) return bad;
    ctx.pendingUser = args[0]!;
    return ok(ctx.texts.userAccepted(args[0]!));
  },
};
