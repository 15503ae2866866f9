import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { findMessage, isReply } from '../message-number';
import { lines, ok } from '../reply';

/** LIST [msg] (RFC 1939 §5): a scan listing of live messages, or one message's size. */
export const list: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'LIST', args, 0, 1);
    if (bad) return bad;
    const maildrop = ctx.maildrop!;
    if (args.length === 1) {
      const found = findMessage(ctx, maildrop, args);
      if (isReply(found)) return found;
      return ok(`${found.number} ${found.message.size}`);
    }
    const { count, octets } = maildrop.stat();
    return lines(
      ctx.texts.listHeader(count, octets),
      maildrop.live().map(({ number, message }) => `${number} ${message.size}`),
    );
  },
};
