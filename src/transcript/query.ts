import { printable } from './render';

/** Which sessions a query looks at. */
export interface SessionFilter {
  /** Only sessions that logged in as this user. */
  user?: string;
  /** Only this session id. */
  sessionId?: number;
}

/** The sessions a filter selects, in their order. */
export function filterSessions<T extends { readonly id: number; readonly user: string | undefined }>(
  records: readonly T[],
  filter: SessionFilter = {},
): T[] {
  return records.filter(
    (s) =>
      (filter.user === undefined || s.user === filter.user) &&
      (filter.sessionId === undefined || s.id === filter.sessionId),
  );
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
