import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { ok } from '../reply';

/** NOOP (RFC 1939 §5). */
export const noop: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    return checkArity(ctx, 'NOOP', args, 0, 0) ?? ok(ctx.texts.noop);
  },
};
