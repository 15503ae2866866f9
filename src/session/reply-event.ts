import { firstLine, type Reply, statusOf } from '../protocol/reply';
import type { Pop3Event } from '../vocabulary';

/** The transcript event for a reply that went out: its status, first line and every octet written. */
export function replyEvent(
  sessionId: number,
  at: number,
  reply: Reply,
  bytes: number,
  line = firstLine(reply),
): Extract<Pop3Event, { type: 'reply' }> {
  return { type: 'reply', sessionId, at, status: statusOf(reply), line, bytes };
}
