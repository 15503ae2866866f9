import type { Maildrop } from '../mailbox/maildrop';
import type { CommandContext } from './command';
import { type DeletedText, isReply, lookupMessage, type NamedMessage, parseDecimal } from './message-number';
import { err, type Reply } from './reply';

/**
 * Arguments read the `scan` way (ArgumentReader in src/dialects/dialect.ts):
 * left to right off the rest of the line, as a C server reads them with an
 * unsigned 64-bit parser. Texts get the line as typed, spaces and all.
 */

const UINT64_MAX = 18_446_744_073_709_551_615n;

/** A number at the front of a text: none there, too large to read, or its digits and what follows. */
type Scanned =
  | { readonly kind: 'none'; readonly text: string }
  | { readonly kind: 'too-large'; readonly rest: string }
  | { readonly kind: 'number'; readonly digits: string; readonly value: bigint; readonly after: string };

function scanNumber(text: string): Scanned {
  const from = text.replace(/^ +/, '');
  const digits = /^[0-9]*/.exec(from)?.[0] ?? '';
  if (digits === '') return { kind: 'none', text: from };
  // 21 digits or more never fit: no BigInt of a line's worth of digits.
  const value = digits.length > 20 ? UINT64_MAX + 1n : BigInt(digits);
  if (value > UINT64_MAX) return { kind: 'too-large', rest: from };
  return { kind: 'number', digits, value, after: from.slice(digits.length) };
}

const firstWord = (text: string) => text.split(' ', 1)[0] ?? '';

/**
 * The message named at the front of `rest`, and what follows its digits;
 * `thenSpace`: another argument must follow (TOP), so a space may.
 */
export function scanMessage(
  ctx: CommandContext,
  maildrop: Maildrop,
  rest: string,
  thenSpace: boolean,
  deletedText?: DeletedText,
): (NamedMessage & { readonly after: string }) | Reply {
  const scanned = scanNumber(rest);
  if (scanned.kind === 'none') return err(ctx.texts.invalidNumber(firstWord(scanned.text), scanned.text));
  if (scanned.kind === 'too-large') return err(ctx.texts.numberTooLarge(scanned.rest));
  const { digits, value, after } = scanned;
  const reader = ctx.dialect.argumentReader;
  const largest = reader?.kind === 'scan' ? reader.largestMessageNumber : undefined;
  if (largest !== undefined && value > BigInt(largest)) return err(ctx.texts.numberTooLarge(after));
  if (thenSpace ? !after.startsWith(' ') : after !== '') return err(ctx.texts.junkAfterNumber(after));
  const found = lookupMessage(ctx, maildrop, digits, deletedText);
  // Not `{ ...found, after }`: a spread followed by more properties is slow in V8 (see pop3-mock.ts).
  return isReply(found) ? found : { number: found.number, message: found.message, after };
}

/** TOP's line count, read off `text` (what followed the message number). */
export function scanLineCount(ctx: CommandContext, text: string): number | Reply {
  const scanned = scanNumber(text);
  if (scanned.kind === 'none') return err(ctx.texts.invalidLineCount(firstWord(scanned.text), scanned.text));
  if (scanned.kind === 'too-large') return err(ctx.texts.lineCountTooLarge(scanned.rest));
  if (scanned.after !== '') return err(ctx.texts.junkAfterLineCount(scanned.after));
  return parseDecimal(scanned.digits) ?? Number.POSITIVE_INFINITY;
}
