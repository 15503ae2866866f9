/**
 * `addUser()` (or `PUT /api/users/{user}`) or `removeUser()` (`DELETE
 * /api/users/{user}`) refused: the user has a live logged-in session.
 * Replacing or removing its mailbox then would leave that session on a
 * mailbox nobody can see, so its deletions would be answered `+OK` and
 * recorded nowhere. Nothing was changed; try again after the session ends.
 */
export class UserLoggedInError extends Error {
  override readonly name = 'UserLoggedInError';

  constructor(
    /** The user that was not replaced or removed. */
    readonly user: string,
    /** The live session logged in as that user (the oldest, when several are). */
    readonly sessionId: number,
    /** The call refused. */
    readonly call: 'addUser' | 'removeUser' = 'addUser',
    /** More on why, said after the rest (a caller that waited says how long). */
    why?: string,
  ) {
    super(
      `pop3-mock: ${call}(): ${JSON.stringify(user)} is logged in (session ${sessionId}); ` +
        `a user is ${call === 'addUser' ? 'replaced' : 'removed'} only when no session is logged in as it: QUIT first` +
        (why === undefined ? '' : `; ${why}`),
    );
  }
}
