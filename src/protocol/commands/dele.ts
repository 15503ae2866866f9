import type { CommandSpec } from '../command';
import { messageArgument } from '../message-arguments';
import { isReply } from '../message-number';
import { ok } from '../reply';

/** DELE msg (RFC 1939 §5): only marks the message; UPDATE removes it. */
export const dele: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args, rest) {
    const found = messageArgument(ctx, 'DELE', args, rest, ctx.texts.alreadyDeleted);
    if (isReply(found)) return found;
    ctx.maildrop!.markDeleted(found.number);
    return ok(ctx.texts.deleted(found.number));
  },
};
