import { A, decides, offersSasl, type ProbeRun, verbOf } from './findings';
import { APOP_TIMESTAMP } from './probe-before-login';
import { isErr, lineOf } from './probe-session';

/**
 * Failed logins last (docs/DIALECTS.md, "The probe script", step 14):
 * servers delay logins after a failure (Dovecot's auth penalty doubles per
 * failure from one address, up to 15 s), so they go after every good one.
 * An unknown user, a wrong password, a bare PASS (then a wrong one: was the
 * USER used up?), each in its own session; then what a broken SASL or APOP
 * message gets, and QUIT before login.
 */
export async function probeFailedLogins({ sessions, f, learn, user }: ProbeRun): Promise<void> {
  const unknownUser = 'pop3-mock-capture-no-such-user';
  const client = await sessions.fresh(A);
  learn('userAccepted', await sessions.exchange(client, A, `USER ${unknownUser}`), [['user', unknownUser]]);
  learn('authFailed', await sessions.exchange(client, A, 'PASS not-the-password'));
  const client2 = await sessions.fresh(A);
  learn('userAccepted', await sessions.exchange(client2, A, `USER ${user}`), [['user', user]]);
  const wrong = await sessions.exchange(client2, A, 'PASS not-the-password');
  learn('authFailed', wrong);
  const client3 = await sessions.fresh(A);
  await sessions.exchange(client3, A, `USER ${user}`);
  const bare = await sessions.exchange(client3, A, 'PASS');
  if (isErr(bare)) {
    learn('missingArgument', bare, verbOf('PASS'), 'PASS');
    // Was the USER used up, as by a wrong password (Dovecot tries the empty one)?
    const again = await sessions.exchange(client3, A, 'PASS not-the-password');
    const failed = lineOf(bare) === lineOf(wrong);
    if (decides(f, again, 'PASS after a bare PASS', 'barePassTriesEmptyPassword'))
      f.barePassTriesEmptyPassword = failed && isErr(again) && lineOf(again) !== lineOf(wrong);
  }
  sessions.drop();

  if (offersSasl(f, 'PLAIN')) {
    // As an initial response and as a response: not base64, base64 of no PLAIN message (no NUL);
    // as a response also base64 characters of a wrong length, and `*` (RFC 5034 §4).
    const notPlain = Buffer.from('pop3-mock-capture').toString('base64');
    learn('authBadInitialBase64', await sessions.probe(A, 'AUTH PLAIN !!!'));
    learn('authMalformed', await sessions.probe(A, `AUTH PLAIN ${notPlain}`));
    for (const [response, text] of [
      ['!!!', 'authBadBase64'],
      ['abc', 'authBadBase64Padding'],
      [notPlain, 'authMalformed'],
      ['*', 'authCancelled'],
    ] as const) {
      const challenge = await sessions.probe(A, 'AUTH PLAIN');
      if (challenge.kind === 'line' && /^\+( |$)/.test(challenge.line))
        learn(text, await sessions.probe(A, response));
    }
  } else f.notLearned.push('SASL texts: the server offers no PLAIN mechanism');
  if (APOP_TIMESTAMP.test(sessions.greeting)) {
    learn('apopBadDigest', await sessions.probe(A, `APOP ${user} ${'z'.repeat(32)}`));
    learn('apopBadDigestLength', await sessions.probe(A, `APOP ${user} abc`));
  }
  learn('quitAuthorization', await sessions.quit(A));
  sessions.drop();
}
