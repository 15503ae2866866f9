import type { CommandSpec } from '../command';
import { expungedRefusal } from '../expunged';
import { topArguments } from '../message-arguments';
import { isReply } from '../message-number';
import { topOf } from '../message-top';
import { messageReply } from '../reply';
import { utf8Refusal } from '../utf8-mode';

/**
 * TOP msg n (RFC 1939 §7): the header section, the blank line, and the first
 * n body lines. A message without a blank line is all headers, so it is sent
 * whole with no blank line invented (Dovecot's default).
 */
export const top: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args, rest) {
    const found = topArguments(ctx, args, rest);
    if (isReply(found)) return found;
    const expunged = expungedRefusal(ctx, found.number);
    if (expunged) return expunged;
    const refused = utf8Refusal(ctx, found.message);
    if (refused) return refused;
    return messageReply(ctx.texts.top, topOf(found.message, found.lineCount));
  },
};
