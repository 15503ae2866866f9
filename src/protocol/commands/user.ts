import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { err, ok } from '../reply';

/**
 * USER name (RFC 1939 §7). Always `+OK`, known user or not, so the reply
 * never tells which names exist (§13). The last USER wins.
 */
export const user: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args) {
    if (!ctx.plaintextAllowed) return err(ctx.texts.plaintextDisallowed);
    const bad = checkArity(ctx, 'USER', args, 1, 1);
    if (bad) return bad;
    ctx.pendingUser = args[0]!;
    return ok(ctx.texts.userAccepted(args[0]!));
  },
};
