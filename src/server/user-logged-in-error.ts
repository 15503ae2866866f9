/**
 * `addUser()` (or `PUT /api/users/{user}`) refused: the user has a live
 * logged-in session. Replacing its mailbox then would leave that session on
 * a mailbox nobody can see, so its deletions would be answered `+OK` and
 * recorded nowhere. Nothing was changed; try again after the session ends.
 */
export class UserLoggedInError extends Error {
  override readonly name = 'UserLoggedInError';

  constructor(
    /** The user that was not replaced. */
    readonly user: string,
    /** The live session logged in as that user (the oldest, when several are). */
    readonly sessionId: number,
  ) {
    super(
      `pop3-mock: addUser(): ${JSON.stringify(user)} is logged in (session ${sessionId}); ` +
        'a user is replaced only when no session is logged in as it: QUIT first',
    );
  }
}
