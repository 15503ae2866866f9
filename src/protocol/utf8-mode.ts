import type { StoredMessage } from '../mailbox/message';
import type { CommandContext } from './command';
import { err, type Reply } from './reply';

/**
 * RFC 6856 §2.1: when UTF8 is offered, a message whose headers need UTF-8 is
 * not sent raw outside UTF-8 mode; the server answers `-ERR [UTF8]`. With
 * UTF8 not offered (the default) 8-bit messages pass unchanged, as Dovecot
 * serves them.
 */
export function utf8Refusal(ctx: CommandContext, message: StoredMessage): Reply | undefined {
  if (!ctx.offers('UTF8') || ctx.utf8Mode) return undefined;
  const headerEnd = message.bodyStart === -1 ? message.wire.length : message.bodyStart;
  for (let i = 0; i < headerEnd; i++) {
    if (message.wire[i]! >= 0x80) return err(ctx.texts.utf8Required);
  }
  return undefined;
}
