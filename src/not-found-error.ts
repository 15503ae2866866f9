/** What a call named that the server does not hold. */
export type Missing =
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'message'; readonly user: string; readonly number: number }
  | { readonly kind: 'session'; readonly sessionId: number };

/**
 * A user, message or session that a call named and the server does not
 * hold: never added, removed, or (a session) dropped by `keepSessions`.
 * Thrown in process, and by the remote client from the control API's 404,
 * so a test catches one class on both sides. A `RangeError` (the name is
 * not among those the server holds), as these calls threw before it.
 */
export class NotFoundError extends RangeError {
  override readonly name = 'NotFoundError';

  constructor(
    /** What was not found, and the name or number it was asked by. */
    readonly missing: Missing,
    message: string,
  ) {
    super(message);
  }
}

/** No user of that name: the message names the users there are. */
export function noUser(user: string, known: readonly string[]): NotFoundError {
  return new NotFoundError(
    { kind: 'user', user },
    `pop3-mock: no user ${JSON.stringify(user)} (users: ${known.join(', ') || 'none'})`,
  );
}

/** No message of that number in the user's mailbox, which holds `count` now. */
export function noMessage(user: string, number: number, count: number): NotFoundError {
  return new NotFoundError(
    { kind: 'message', user, number },
    `pop3-mock: ${user} has no message ${number} (${count} now)`,
  );
}
