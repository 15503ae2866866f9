import type { Socket } from 'node:net';
import { err } from '../protocol/reply';
import { safeText } from '../protocol/reply-text';
import { Connection } from './connection';
import { ReplyWriter } from './reply-writer';
import type { SessionHost } from './session-host';

/**
 * Turns away a connection over `maxSessions` before it becomes a session: one
 * `-ERR` greeting (a busy server, RFC 1939 §4), then FIN. It goes through the
 * reply writer and its text guard like every reply, so without RESP-CODES it
 * does not start with a code either (RFC 2449 §8).
 */
export async function refuseConnection(
  socket: Socket,
  host: Pick<SessionHost, 'dialect' | 'capabilities'>,
): Promise<void> {
  const connection = new Connection(socket, () => {});
  const reply = safeText(err(host.dialect.texts.tooManySessions), host.capabilities.respCodes);
  await new ReplyWriter(connection).send(reply);
  await connection.end();
}
