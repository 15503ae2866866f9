import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { findMessage, isReply, parseDecimal } from '../message-number';
import { topOf } from '../message-top';
import { err, messageReply } from '../reply';
import { utf8Refusal } from '../utf8-mode';

/**
 * TOP msg n (RFC 1939 §7): the header section, the blank line, and the first
 * n body lines. A message without a blank line is all headers, so it is sent
 * whole with no blank line invented (Dovecot's default).
 */
export const top: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'TOP', args, 2, 2);
    if (bad) return bad;
    const lineCount = parseDecimal(args[1]!);
    if (lineCount === undefined) return err(ctx.texts.invalidLineCount(args[1]!, args.slice(1).join(' ')));
    const found = findMessage(ctx, ctx.maildrop!, args);
    if (isReply(found)) return found;
    const refused = utf8Refusal(ctx, found.message);
    if (refused) return refused;
    return messageReply(ctx.texts.top, topOf(found.message, lineCount));
  },
};
