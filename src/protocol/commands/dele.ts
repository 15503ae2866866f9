import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { findMessage, isReply } from '../message-number';
import { ok } from '../reply';

/** DELE msg (RFC 1939 §5): only marks the message; UPDATE removes it. */
export const dele: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'DELE', args, 1, 1);
    if (bad) return bad;
    const maildrop = ctx.maildrop!;
    const found = findMessage(ctx, maildrop, args, ctx.texts.alreadyDeleted);
    if (isReply(found)) return found;
    maildrop.markDeleted(found.number);
    return ok(ctx.texts.deleted(found.number));
  },
};
