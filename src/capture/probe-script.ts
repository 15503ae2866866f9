import { type Findings, newFindings, type ProbeTls } from './findings';
import { probeAfterLogin } from './probe-after-login';
import { probeBeforeLogin } from './probe-before-login';
import { probeFailedLogins } from './probe-failed-logins';
import { probeLimits } from './probe-limits';
import { probeLogins } from './probe-logins';
import type { ProbeSessions } from './probe-session';

/**
 * The probe script, in the order docs/DIALECTS.md lists it. Every session
 * that marks a message deleted unmarks it with RSET and is then dropped
 * without QUIT; QUIT is sent only in sessions that changed nothing.
 */
export async function runProbeScript(
  sessions: ProbeSessions,
  account: { readonly user: string; readonly password: string },
  tls: ProbeTls,
): Promise<Findings> {
  const { f, learn } = newFindings();
  const run = { sessions, f, learn, ...account };
  await probeBeforeLogin(run, tls);
  await probeAfterLogin(run);
  await probeLogins(run);
  await probeLimits(run);
  await probeFailedLogins(run);
  return f;
}
