import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { ok } from '../reply';

/** UTF8 (RFC 6856 §2): enters UTF-8 mode, in AUTHORIZATION only. */
export const utf8: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'UTF8', args, 0, 0);
    if (bad) return bad;
    ctx.utf8Mode = true;
    return ok(ctx.texts.utf8Enabled);
  },
};
