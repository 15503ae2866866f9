import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { parseDecimal } from '../message-number';
import { err, ok } from '../reply';

/** DELE msg (RFC 1939 §5): only marks the message; UPDATE removes it. */
export const dele: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'DELE', args, 1, 1);
    if (bad) return bad;
    const maildrop = ctx.maildrop!;
    const argument = args[0]!;
    const number = parseDecimal(argument);
    if (number === undefined) return err(ctx.texts.invalidNumber(argument));
    const found = maildrop.lookup(number);
    if (!found.found) {
      return found.reason === 'deleted'
        ? err(ctx.texts.alreadyDeleted(number))
        : err(ctx.texts.noSuchMessage(argument, maildrop.count));
    }
    maildrop.markDeleted(number);
    return ok(ctx.texts.deleted(number));
  },
};
