import { createHash } from 'node:crypto';
import { A, noReply, offersSasl, type ProbeRun } from './findings';
import { APOP_TIMESTAMP } from './probe-before-login';
import { isOk, lineOf } from './probe-session';
import type { KnownValues } from './template-of';

/**
 * Logins by the other commands (docs/DIALECTS.md, "The probe script", step
 * 11): `AUTH PLAIN` with the credentials as its initial response when SASL
 * lists PLAIN, and `APOP` with the digest of the greeting's timestamp when
 * there is one; each `+OK` is a `loggedIn` text of its command. Each session
 * is dropped at once. The PLAIN message and the digest never reach the
 * transcript or the log.
 */
export async function probeLogins({ sessions, f, learn, user, password }: ProbeRun): Promise<void> {
  // The mailbox as the USER/PASS login found it: the same count and octets.
  const pass = f.samples.find((s) => s.text === 'loggedIn')?.values ?? {};
  const counts: KnownValues = Object.entries(pass).filter(([name]) => name === 'count' || name === 'octets');
  if (offersSasl(f, 'PLAIN')) {
    const message = Buffer.from(`\0${user}\0${password}`).toString('base64');
    sessions.hide(message);
    const client = await sessions.fresh(A);
    const answer = await sessions.exchange(client, A, `AUTH PLAIN ${message}`);
    if (isOk(answer)) learn('loggedIn', answer, counts, 'AUTH');
    else
      f.notLearned.push(
        `a login by AUTH PLAIN: ${lineOf(answer) === undefined ? noReply(answer) : `the server answered ${lineOf(answer)}`}`,
      );
    sessions.drop();
  }
  if (!APOP_TIMESTAMP.test(sessions.greeting)) return;
  const client = await sessions.fresh(A);
  const stamp = APOP_TIMESTAMP.exec(sessions.greeting)?.[1];
  if (stamp !== undefined) {
    const digest = createHash('md5')
      .update(stamp + password)
      .digest('hex');
    sessions.hide(digest);
    const answer = await sessions.exchange(client, A, `APOP ${user} ${digest}`);
    if (isOk(answer)) learn('loggedIn', answer, counts, 'APOP');
    else
      f.notLearned.push(
        `a login by APOP: ${lineOf(answer) === undefined ? noReply(answer) : `the server answered ${lineOf(answer)}`}`,
      );
  }
  sessions.drop();
}
