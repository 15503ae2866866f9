import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { quitOrUpdate } from '../steps/update';

/** QUIT (RFC 1939 §4, §6): in TRANSACTION enters UPDATE and applies deletions; then closes. */
export const quit: CommandSpec = {
  states: ['AUTHORIZATION', 'TRANSACTION'],
  run(ctx, args) {
    return checkArity(ctx, 'QUIT', args, 0, 0) ?? quitOrUpdate(ctx);
  },
};
