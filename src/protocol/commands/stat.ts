import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { ok } from '../reply';

/** STAT (RFC 1939 §5): exactly `+OK count octets`, deleted messages left out. */
export const stat: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'STAT', args, 0, 0);
    if (bad) return bad;
    const { count, octets } = ctx.maildrop!.stat();
    return ok(`${count} ${octets}`);
  },
};
