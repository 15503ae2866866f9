import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { ok } from '../reply';

/** RSET (RFC 1939 §5): unmarks every deleted message; numbers stay as they were. */
export const rset: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'RSET', args, 0, 0);
    if (bad) return bad;
    const maildrop = ctx.maildrop!;
    const unmarked = maildrop.deletedNumbers().length;
    maildrop.unmarkAll();
    const { count, octets } = maildrop.stat();
    return ok(ctx.texts.reset(count, octets, unmarked));
  },
};
