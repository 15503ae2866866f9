import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { lines } from '../reply';

/** CAPA (RFC 2449 §5): valid in both states; the list reflects the current state. */
export const capa: CommandSpec = {
  states: ['AUTHORIZATION', 'TRANSACTION'],
  run(ctx, args) {
    return checkArity(ctx, 'CAPA', args, 0, 0) ?? lines(ctx.texts.capaHeader, ctx.capabilities());
  },
};
