import type { UserSummary } from './build-options';

/**
 * A curl command that lists a user's messages, quoted for a POSIX shell so
 * it pastes as is. The password is in it only when it is demo data; else
 * `-u NAME` makes curl ask for it.
 */
export function curlExample(url: string, user: UserSummary | undefined): string {
  if (user === undefined) return `curl ${url}/ -u NAME   # no users yet: add --user NAME:PASSWORD`;
  const credentials = user.demoPassword === undefined ? user.name : `${user.name}:${user.demoPassword}`;
  return `curl ${url}/ -u ${shellQuote(credentials)}`;
}

/** A word as `sh` reads it back unchanged: bare when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
