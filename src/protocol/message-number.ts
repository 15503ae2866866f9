import type { Maildrop } from '../mailbox/maildrop';
import type { StoredMessage } from '../mailbox/message';
import type { CommandContext } from './command';
import { err, type Reply } from './reply';

const DIGITS = /^[0-9]+$/;

/** A live message a command named, by its number. */
export interface NamedMessage {
  readonly number: number;
  readonly message: StoredMessage;
}

/** The `-ERR` text for a message marked deleted (DELE says "already deleted"). */
export type DeletedText = (number: number) => string;

/** A decimal argument: its value, `Infinity` when too large to matter, or `undefined` when not digits. */
export function parseDecimal(argument: string): number | undefined {
  if (!DIGITS.test(argument)) return undefined;
  const digits = argument.replace(/^0+(?=\d)/, '');
  // Past 2^53 no maildrop or line count can reach it; never a crash, never wrap-around.
  return digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
}

/** The live message numbered `digits` (all digits, as typed), or the `-ERR` to send (RFC 1939 §5). */
export function lookupMessage(
  ctx: CommandContext,
  maildrop: Maildrop,
  digits: string,
  deletedText: DeletedText = ctx.texts.messageDeleted,
): NamedMessage | Reply {
  const number = parseDecimal(digits) ?? Number.NaN;
  const found = maildrop.lookup(number);
  if (found.found) return { number: found.number, message: found.message };
  if (found.reason === 'deleted') return err(deletedText(number));
  return err(ctx.texts.noSuchMessage(digits, maildrop.count));
}

/** Resolves a message-number argument (the first of `args`) to a live message, or the `-ERR` to send. */
export function findMessage(
  ctx: CommandContext,
  maildrop: Maildrop,
  args: readonly string[],
  deletedText: DeletedText = ctx.texts.messageDeleted,
): NamedMessage | Reply {
  const argument = args[0] ?? '';
  if (!DIGITS.test(argument)) return err(ctx.texts.invalidNumber(argument, args.join(' ')));
  return lookupMessage(ctx, maildrop, argument, deletedText);
}

export function isReply(value: object): value is Reply {
  return 'kind' in value;
}
