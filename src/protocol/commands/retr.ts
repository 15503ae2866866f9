import type { CommandSpec } from '../command';
import { expungedRefusal } from '../expunged';
import { messageArgument } from '../message-arguments';
import { isReply } from '../message-number';
import { messageReply } from '../reply';
import { utf8Refusal } from '../utf8-mode';

/**
 * RETR msg (RFC 1939 §5): the whole message, dot-stuffed. Does not mark it
 * deleted. One another session's UPDATE removed gets the dialect's
 * `messageExpunged`, where it has one.
 */
export const retr: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args, rest) {
    const found = messageArgument(ctx, 'RETR', args, rest);
    if (isReply(found)) return found;
    const expunged = expungedRefusal(ctx, found.number);
    if (expunged) return expunged;
    const refused = utf8Refusal(ctx, found.message);
    if (refused) return refused;
    ctx.maildrop!.markRetrieved(found.number);
    return messageReply(ctx.texts.retrieved(found.message.size), found.message.wire);
  },
};
