import type { StoredMessage } from '../../mailbox/message';
import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { findMessage, isReply, parseDecimal } from '../message-number';
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
    if (lineCount === undefined) return err(ctx.texts.invalidLineCount(args[1]!));
    const found = findMessage(ctx, ctx.maildrop!, args[0]!);
    if (isReply(found)) return found;
    const refused = utf8Refusal(ctx, found.message);
    if (refused) return refused;
    return messageReply(ctx.texts.top, topOf(found.message, lineCount));
  },
};

/** The bytes TOP sends: headers, blank line, first `lineCount` body lines (LF ends a line, CR does not). */
export function topOf(message: StoredMessage, lineCount: number): Buffer {
  const { wire, bodyStart } = message;
  if (bodyStart === -1) return wire;
  let end = bodyStart;
  for (let n = 0; n < lineCount && end < wire.length; n++) {
    const lf = wire.indexOf(0x0a, end);
    end = lf === -1 ? wire.length : lf + 1;
  }
  return wire.subarray(0, end);
}
