import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { findMessage, isReply } from '../message-number';
import { messageReply } from '../reply';
import { utf8Refusal } from '../utf8-mode';

/** RETR msg (RFC 1939 §5): the whole message, dot-stuffed. Does not mark it deleted. */
export const retr: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'RETR', args, 1, 1);
    if (bad) return bad;
    const maildrop = ctx.maildrop!;
    const found = findMessage(ctx, maildrop, args);
    if (isReply(found)) return found;
    const refused = utf8Refusal(ctx, found.message);
    if (refused) return refused;
    maildrop.markRetrieved(found.number);
    return messageReply(ctx.texts.retrieved(found.message.size), found.message.wire);
  },
};
