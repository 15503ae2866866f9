import { checkArity } from './arguments';
import type { CommandContext } from './command';
import { type DeletedText, findMessage, isReply, type NamedMessage, parseDecimal } from './message-number';
import { err, type Reply } from './reply';
import { scanLineCount, scanMessage } from './scan-arguments';

/**
 * The message RETR, DELE, LIST n and UIDL n name, read as the dialect reads
 * arguments (ArgumentReader: `words` or `scan`), or the `-ERR` to send.
 */
export function messageArgument(
  ctx: CommandContext,
  verb: string,
  args: readonly string[],
  rest: string,
  deletedText?: DeletedText,
): NamedMessage | Reply {
  const maildrop = ctx.maildrop!;
  if (ctx.dialect.argumentReader?.kind === 'scan')
    return scanMessage(ctx, maildrop, rest, false, deletedText);
  return checkArity(ctx, verb, args, 1, 1) ?? findMessage(ctx, maildrop, args, deletedText);
}

/** TOP's message and line count, read as the dialect reads arguments, or the `-ERR` to send. */
export function topArguments(
  ctx: CommandContext,
  args: readonly string[],
  rest: string,
): (NamedMessage & { readonly lineCount: number }) | Reply {
  const maildrop = ctx.maildrop!;
  if (ctx.dialect.argumentReader?.kind === 'scan') {
    // The message is looked up before the line count is read (`TOP 9 x`: no such message).
    const found = scanMessage(ctx, maildrop, rest, true);
    if (isReply(found)) return found;
    const lineCount = scanLineCount(ctx, found.after);
    return typeof lineCount === 'number'
      ? { number: found.number, message: found.message, lineCount }
      : lineCount;
  }
  const bad = checkArity(ctx, 'TOP', args, 2, 2);
  if (bad) return bad;
  const lineCount = parseDecimal(args[1]!);
  if (lineCount === undefined) return err(ctx.texts.invalidLineCount(args[1]!, args.slice(1).join(' ')));
  const found = findMessage(ctx, maildrop, args);
  // Field by field: a spread followed by more properties is slow in V8 (see pop3-mock.ts).
  return isReply(found) ? found : { number: found.number, message: found.message, lineCount };
}
