import type { Pop3Event } from '../vocabulary';
import { printable } from './render';

/** Which sessions a query looks at. */
export interface SessionFilter {
  /**
   * Only sessions of this user: those that logged in as it, and those that
   * tried to (a refused PASS, APOP or AUTH as it) and logged in as nobody,
   * so a client that retries a wrong password is counted against the user.
   */
  user?: string;
  /** Only this session id. */
  sessionId?: number;
}

/** What a filter reads of a session: its id, its user, and its login attempts (`auth` events). */
export interface FilteredSession {
  readonly id: number;
  readonly user: string | undefined;
  readonly events: readonly Pop3Event[];
}

/** The sessions a filter selects, in their order. */
export function filterSessions<T extends FilteredSession>(
  records: readonly T[],
  filter: SessionFilter = {},
): T[] {
  return records.filter(
    (s) =>
      (filter.user === undefined || isSessionOf(s, filter.user)) &&
      (filter.sessionId === undefined || s.id === filter.sessionId),
  );
}

/** Whether `session` is `user`'s: logged in as it, or logged in as nobody after trying it ({@link usersOf}). */
export function isSessionOf(session: FilteredSession, user: string): boolean {
  return usersOf(session).includes(user);
}

/** Every user whose session `session` is: the one it logged in as, or, logged in as nobody, those it tried. */
export function usersOf(session: FilteredSession): string[] {
  if (session.user !== undefined) return [session.user];
  const tried = new Set<string>();
  for (const e of session.events) if (e.type === 'auth') tried.add(e.user);
  return [...tried];
}

/** `user alice, session 3`, or '' for no filter. */
export function describeFilter(filter: SessionFilter = {}): string {
  const parts: string[] = [];
  if (filter.user !== undefined) parts.push(`user ${JSON.stringify(filter.user)}`);
  if (filter.sessionId !== undefined) parts.push(`session ${filter.sessionId}`);
  return parts.join(', ');
}

/** `1 (alice), 2 (not logged in)`: what a report says about the sessions it looked at. */
export function listSessions(
  records: readonly { readonly id: number; readonly user: string | undefined }[],
): string {
  if (records.length === 0) return 'none';
  return records
    .map((r) => `${r.id} (${r.user === undefined ? 'not logged in' : printable(r.user)})`)
    .join(', ');
}

/**
 * Why `filter`, which selected no session (kept or dropped), never could:
 * it names a user the server has not and no session logged in as, or a
 * session that never began. A verdict over it would hold vacuously (a
 * misspelt user in a `times: 0` check passes), so the check says it cannot
 * tell. Undefined when the names are known, or without the server's `users`
 * (records alone cannot tell).
 */
export function unmatchableFilter(
  records: readonly { readonly id: number; readonly user: string | undefined }[],
  filter: SessionFilter,
  users: readonly string[] | undefined,
): string | undefined {
  if (users === undefined) return undefined;
  const { user, sessionId } = filter;
  if (user !== undefined && !users.includes(user) && !records.some((r) => r.user === user)) {
    const known = users.length === 0 ? 'none' : users.map(printable).join(', ');
    return `no user ${JSON.stringify(user)} (users: ${known}), and no session logged in as it`;
  }
  if (sessionId !== undefined && !records.some((r) => r.id === sessionId))
    return `no session ${sessionId} (sessions: ${listSessions(records)})`;
  return undefined;
}
