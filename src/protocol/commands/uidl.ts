import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { findMessage, isReply } from '../message-number';
import { lines, ok } from '../reply';

/** UIDL [msg] (RFC 1939 §7): unique-id listing of live messages, or one message's uid. */
export const uidl: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'UIDL', args, 0, 1);
    if (bad) return bad;
    const maildrop = ctx.maildrop!;
    if (args.length === 1) {
      const found = findMessage(ctx, maildrop, args);
      if (isReply(found)) return found;
      return ok(`${found.number} ${found.message.uid}`);
    }
    return lines(
      ctx.texts.uidlHeader,
      maildrop.live().map(({ number, message }) => `${number} ${message.uid}`),
    );
  },
};
