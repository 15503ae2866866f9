import type { CommandSpec } from '../command';
import { messageArgument } from '../message-arguments';
import { isReply } from '../message-number';
import { lines, ok } from '../reply';

/** UIDL [msg] (RFC 1939 §7): unique-id listing of live messages, or one message's uid. */
export const uidl: CommandSpec = {
  states: ['TRANSACTION'],
  run(ctx, args, rest) {
    if (args.length > 0) {
      const found = messageArgument(ctx, 'UIDL', args, rest);
      if (isReply(found)) return found;
      return ok(`${found.number} ${found.message.uid}`);
    }
    return lines(
      ctx.texts.uidlHeader,
      ctx.maildrop!.live().map(({ number, message }) => `${number} ${message.uid}`),
    );
  },
};
