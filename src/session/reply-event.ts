import type { ReplyStatus } from '../vocabulary';
import type { Sent } from './reply-writer';
import type { SessionHost } from './session-host';

/**
 * Tells the host of a written reply. A whole one (or one of which no octet
 * went out) is given field by field ({@link SessionHost.reply}: no event
 * object on the usual path); a cut one, rare, as its whole `reply` event,
 * which alone carries `wholeBytes`.
 */
export function reportReply(
  host: Pick<SessionHost, 'reply' | 'emit'>,
  sessionId: number,
  at: number,
  status: ReplyStatus,
  line: string,
  sent: Sent,
): void {
  if (typeof sent === 'number') host.reply(sessionId, at, status, line, sent);
  else
    host.emit({ type: 'reply', sessionId, at, status, line, bytes: sent.bytes, wholeBytes: sent.wholeBytes });
}
