import type { CommandSpec } from '../command';
import { messageArgument } from '../message-arguments';
import { isReply } from '../message-number';
import { lines, ok } from '../reply';

/** LIST [msg] (RFC 1939 §5): a scan listing of live messages, or one message's size. */
export const list: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args, rest) {
    if (args.length > 0) {
      const found = messageArgument(ctx, 'LIST', args, rest);
      if (isReply(found)) return found;
      return ok(`${found.number} ${found.message.size}`);
    }
    const maildrop = ctx.maildrop!;
    const { count, octets } = maildrop.stat();
    return lines(
      ctx.texts.listHeader(count, octets),
      maildrop.live().map(({ number, message }) => `${number} ${message.size}`),
    );
  },
};
