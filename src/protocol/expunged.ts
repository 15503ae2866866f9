import type { CommandContext } from './command';
import { type CommandResult, stepped } from './outcome';
import { err } from './reply';

/**
 * RETR's or TOP's `-ERR` for message `number` when another session's UPDATE
 * removed it since login (lock `'none'`) and the dialect has a text for that
 * (Dovecot); undefined when the message is to be sent (from the snapshot).
 */
export function expungedRefusal(ctx: CommandContext, number: number): CommandResult | undefined {
  const text = ctx.texts.messageExpunged;
  const maildrop = ctx.maildrop!;
  if (text === undefined || !maildrop.expunged(number)) return undefined;
  const reply = err(text(number));
  return maildrop.fetchExpunged(number) ? stepped(reply, { kind: 'not-bad' }) : reply;
}
