import type { CommandContext } from '../command';
import { type CommandResult, stepped } from '../outcome';
import { ok } from '../reply';

/** QUIT (RFC 1939 §6): in TRANSACTION the UPDATE state removes the marked messages; either way the session closes. */
export function quitOrUpdate(ctx: CommandContext): CommandResult {
  const { maildrop } = ctx;
  if (ctx.state !== 'TRANSACTION' || !maildrop) {
    return stepped(ok(ctx.texts.quitAuthorization), { kind: 'quit' });
  }
  // EXPIRE 0 (RFC 2449 §6.7): no mail may stay, so what was retrieved goes too.
  if (ctx.settings.expire === 0) {
    for (const { number } of maildrop.retrieved()) maildrop.markDeleted(number);
  }
  const marked = maildrop.deletedNumbers().length;
  const deleted = maildrop
    .commit(ctx.sessionId, ctx.now())
    .map(({ number, message }) => ({ number, uid: message.uid }));
  // The reply counts what the client marked, as Dovecot's does under lock 'none' when another
  // session removed a marked message first; the record holds what this UPDATE removed.
  return stepped(ok(ctx.texts.quitUpdate(marked, maildrop.mailbox.snapshot().length)), {
    kind: 'update',
    deleted,
  });
}
