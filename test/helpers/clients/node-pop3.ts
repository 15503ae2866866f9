import type Pop3Command from 'node-pop3' with { 'resolution-mode': 'import' };

// node-pop3's types describe its ESM build; a CommonJS file may import them
// only as types. At run time its CommonJS build (lib/Command.cjs) is required.
const Pop3CommandClass = require('node-pop3') as typeof Pop3Command;

/**
 * node-pop3 is promise-based already; these helpers only create a client for
 * a mock and drop its connection the hard way (no QUIT).
 *
 * Quirks (node-pop3 0.11, `lib/Connection.cjs`):
 * - RETR/TOP hand back the data still dot-stuffed, as a UTF-8 string, with the
 *   final CRLF cut off together with the `.` terminator.
 * - The end of a multi-line reply is found by looking at the last 5 octets of
 *   one `data` chunk (or a chunk that is exactly `.` CRLF), so the terminator
 *   must not be split across reads.
 * - A `-ERR` rejects the pending command with `Error(text after "-ERR ")`; the
 *   socket stays open.
 */
export function nodePop3(port: number, user: string, password: string): Pop3Command {
  return new Pop3CommandClass({ host: '127.0.0.1', port, user, password, timeout: 5000 });
}

/** Closes the client's socket without QUIT and waits until it is closed. */
export async function dropNodePop3(client: Pop3Command): Promise<void> {
  const socket = client._socket;
  if (!socket || socket.destroyed) return;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.destroy();
  await closed;
}
