import { A, decides, noReply, offersSasl, type ProbeRun, verbOf } from './findings';
import type { LineClient } from './line-client';
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
  /**
   * USER `name` in a fresh session; whether PASS may follow. After no reply it may
   * not: a late +OK would be read as the PASS's answer (notLearned names `then`).
   */
  const userSent = async (name: string, then: string): Promise<LineClient | undefined> => {
    const client = await sessions.fresh(A);
    const answer = await sessions.exchange(client, A, `USER ${name}`);
    learn('userAccepted', answer, [['user', name]]);
    if (lineOf(answer) !== undefined) return client;
    f.notLearned.push(
      `${then}: not probed, USER ${name === user ? 'with the user' : 'of an unknown user'} got ${noReply(answer)}`,
    );
    sessions.drop();
    return undefined;
  };
  const client = await userSent(unknownUser, 'authFailed (an unknown user)');
  if (client) learn('authFailed', await sessions.exchange(client, A, 'PASS not-the-password'));
  const client2 = await userSent(user, 'authFailed (a wrong password)');
  const wrong = client2 && (await sessions.exchange(client2, A, 'PASS not-the-password'));
  if (wrong) learn('authFailed', wrong);
  const client3 = await userSent(user, 'a bare PASS');
  const bare = client3 && (await sessions.exchange(client3, A, 'PASS'));
  if (client3 && bare && isErr(bare)) {
    learn('missingArgument', bare, verbOf('PASS'), 'PASS');
    // Was the USER used up, as by a wrong password (Dovecot tries the empty one)?
    const again = await sessions.exchange(client3, A, 'PASS not-the-password');
    const told = decides(f, again, 'PASS after a bare PASS', 'barePassTriesEmptyPassword');
    // Told only against a wrong password's reply: without one, any other line would pass for "not the same".
    if (wrong === undefined)
      f.notLearned.push(
        "PASS after a bare PASS: no wrong password's reply to compare with; behaviour.barePassTriesEmptyPassword is the preset's",
      );
    else if (told && decides(f, wrong, 'PASS with a wrong password', 'barePassTriesEmptyPassword')) {
      const failed = lineOf(bare) === lineOf(wrong);
      f.barePassTriesEmptyPassword = failed && isErr(again) && lineOf(again) !== lineOf(wrong);
    }
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
