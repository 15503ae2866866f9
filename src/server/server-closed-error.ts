/** Why nothing more can happen on a closed server: the words of its refusals and of the waits it cancels. */
export const SERVER_CLOSED = 'the server was closed';

/**
 * A call that would change the server (`use()`, `addUser()`, `deliver()`,
 * `reset()`, `on()`, ...) made after `close()`: it serves no client any
 * more, so the change would reach none, and a test would believe it had
 * injected a fault or added mail. Nothing was changed. What was recorded
 * stays readable (transcripts, `verify()`, mailboxes, rules); a wait begun
 * after `close()` is a `WaitCancelledError` instead.
 */
export class ServerClosedError extends Error {
  override readonly name = 'ServerClosedError';

  constructor(
    /** The method refused, without parentheses (`'use'`, `'reset'`: a mailbox's `reset()` too). */
    readonly call: string,
  ) {
    super(
      `pop3-mock: ${call}(): ${SERVER_CLOSED}; a closed server takes no more changes (its records stay readable)`,
    );
  }
}
