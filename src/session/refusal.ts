import type { Socket } from 'node:net';
import { err, firstLine, statusOf } from '../protocol/reply';
import { safeText } from '../protocol/reply-text';
import { Connection } from './connection';
import { internalErrorEvent } from './internal-error';
import { reportReply } from './reply-event';
import { ReplyWriter } from './reply-writer';
import type { SessionHost } from './session-host';

/**
 * Turns away a connection over `maxSessions` before it becomes a session: one
 * `-ERR` greeting (a busy server, RFC 1939 §4), then FIN. It goes through the
 * reply writer and its text guard like every reply, so without RESP-CODES it
 * does not start with a code either (RFC 2449 §8). It is recorded like a
 * session (start, the `-ERR`, end with reason `refused`), so a test can see
 * that it happened. Never rejects: a failure is an internal error.
 */
export async function refuseConnection(
  socket: Socket,
  sessionId: number,
  host: Pick<SessionHost, 'dialect' | 'capabilities' | 'clock' | 'emit' | 'reply'>,
): Promise<void> {
  const now = () => host.clock.now();
  const connection = new Connection(socket, () =>
    host.emit({ type: 'session-end', sessionId, at: now(), reason: 'refused' }),
  );
  try {
    host.emit({
      type: 'session-start',
      sessionId,
      at: now(),
      remoteAddress: connection.remoteAddress ?? '',
      remotePort: connection.remotePort ?? 0,
      // Written before any handshake: even on the POP3S port nothing was protected.
      tls: 'none',
    });
    const reply = safeText(err(host.dialect.texts.tooManySessions), host.capabilities);
    const sent = await new ReplyWriter(connection).send(reply);
    reportReply(host, sessionId, now(), statusOf(reply), firstLine(reply), sent);
    await connection.end();
  } catch (error) {
    host.emit(internalErrorEvent(sessionId, now(), error));
    connection.destroy();
  }
}
