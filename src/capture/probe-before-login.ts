import { fillTemplate } from '../dialects/file-placeholders';
import { A, decides, noReply, type ProbeRun, type ProbeTls, verbOf } from './findings';
import type { Answer } from './line-client';
import { isErr, isOk, lineOf, type ProbeSessions } from './probe-session';

/** The greeting's APOP timestamp, if it has one (RFC 1939 §7: `<...@...>` at the end). */
export const APOP_TIMESTAMP = /\s*(<[^<>\s@]+@[^<>\s]+>)\s*$/;

/**
 * Notes a `LOGIN-DELAY n` (RFC 2449 §6.5) in a CAPA list, before or after
 * login (where it may be the user's own), and warns: the script logs in
 * about 30 times.
 */
export function noteLoginDelay(sessions: ProbeSessions, capa: readonly string[]): void {
  const line = capa.find((l) => /^LOGIN-DELAY \d+/i.test(l));
  const delay = line === undefined ? undefined : Number(line.split(' ')[1]);
  if (delay === undefined || delay === 0 || sessions.loginDelay === delay) return;
  sessions.loginDelay = delay;
  sessions.log(
    `  the server advertises LOGIN-DELAY ${delay}: if it enforces it, the capture stops at the second login`,
  );
}

/**
 * Before login (docs/DIALECTS.md, "The probe script", steps 1 to 5): the
 * greeting, CAPA (before and after STLS), AUTH, unknown and wrong-state
 * commands, PASS before USER, USER's arguments, APOP's arguments.
 */
export async function probeBeforeLogin(run: ProbeRun, tls: ProbeTls): Promise<void> {
  const { sessions, f, learn } = run;
  await sessions.session(A);
  f.greeting = sessions.greeting;
  f.localAddress = sessions.localAddress;
  const capa = await sessions.probe(A, 'CAPA', true);
  const capaLines = (answer: Answer | undefined) => (answer?.kind === 'multi' ? [...answer.body] : undefined);
  if (tls === 'stls') {
    // The first session asked CAPA before its STLS (probe-session.ts).
    const before = sessions.beforeStls?.capa;
    f.capa.beforeLogin = capaLines(before);
    if (before !== undefined && lineOf(before) === undefined)
      f.notLearned.push(`CAPA before STLS: ${noReply(before)}; the file has no list from it`);
    f.capa.afterStls = capaLines(capa);
    const stls = sessions.beforeStls?.stls;
    if (stls) learn('stlsBegin', stls);
  } else f.capa.beforeLogin = capaLines(capa);
  if (capa.kind === 'multi') learn('capaHeader', capa);
  else if (capa.kind === 'line') f.notLearned.push('CAPA: the server does not answer it');
  else
    f.notLearned.push(
      `CAPA ${tls === 'stls' ? 'after STLS' : 'before login'}: ${noReply(capa)}; the file has no list from it`,
    );
  noteLoginDelay(sessions, f.capa.beforeLogin ?? []);
  if (tls === 'stls') await probePlaintextLogin(run);
  const stlsAnswer = await probeStls(run, tls);

  const auth = await sessions.probe(A, 'AUTH', true);
  if (decides(f, auth, 'AUTH', 'authListsMechanisms')) f.authListsMechanisms = auth.kind === 'multi';
  if (auth.kind === 'multi') learn('authMechanismList', auth);
  else learn('missingArgument', auth, verbOf('AUTH'), 'AUTH');
  learn('unknownMechanism', await sessions.probe(A, 'AUTH X-NO-SUCH-MECH'), [['name', 'X-NO-SUCH-MECH']]);
  // Mixed case, so a reply that upper-cases the verb is told from one that echoes it.
  for (const verb of ['Xyzzy', 'Frobnicate'])
    learn('unknownCommand', await sessions.probe(A, verb), [...verbOf(verb), ['state', A]], undefined, A);
  learn('emptyCommand', await sessions.probe(A, ''), [['state', A]], undefined, A);
  for (const verb of ['Stat', 'List', 'Retr 1', 'Dele 1', 'Rset', 'Noop', 'Uidl', 'Top 1 1']) {
    const name = verb.split(' ')[0] ?? verb;
    learn(
      'wrongState',
      await sessions.probe(A, verb),
      [...verbOf(name), ['state', A]],
      name.toUpperCase(),
      A,
    );
  }
  if (stlsAnswer !== undefined) learnTlsAlreadyActive(run, stlsAnswer);
  learn('passWithoutUser', await sessions.probe(A, 'PASS not-the-password'));
  await probeUserArguments(run);
  await probeApopArguments(run);
  sessions.drop();
}

/**
 * With `--starttls`: whether the server takes USER before TLS, in a session
 * that never starts it. Refused: the file says `behaviour.requireTls` and
 * keeps the refusal as `plaintextDisallowed` (Dovecot's `disable_plaintext_auth`).
 */
async function probePlaintextLogin({ sessions, f, learn, user }: ProbeRun): Promise<void> {
  const answer = await sessions.plaintext(`USER ${user}`);
  if (!decides(f, answer, 'USER before STLS', 'requireTls')) return;
  f.requireTls = isErr(answer);
  if (f.requireTls) learn('plaintextDisallowed', answer, [], 'USER', A);
}

/**
 * STLS's `-ERR` once TLS is on is `tlsAlreadyActive` (a file with it turns STLS
 * on) unless it is the server's unknown-command reply: a server without STLS.
 */
function learnTlsAlreadyActive({ f, learn }: ProbeRun, answer: Answer): void {
  const line = lineOf(answer) ?? '';
  const unknown = f.samples.some(
    (s) =>
      s.text === 'unknownCommand' &&
      s.state === A &&
      `-ERR ${fillTemplate(s.template, { ...s.values, verb: 'STLS', VERB: 'STLS' })}`.trimEnd() === line,
  );
  if (!unknown) learn('tlsAlreadyActive', answer);
  else
    f.notLearned.push(
      'STLS: over TLS the server answered it as an unknown command; the file leaves STLS off',
    );
}

/**
 * STLS: its `+OK` (a session of its own, dropped); once TLS is on, the answer
 * (an `-ERR` is learned after the unknown commands, to be told from theirs).
 */
async function probeStls({ sessions, f, learn }: ProbeRun, tls: ProbeTls): Promise<Answer | undefined> {
  if (tls === 'none') {
    if (!(f.capa.beforeLogin ?? []).some((l) => l.toUpperCase() === 'STLS')) return undefined;
    const client = await sessions.fresh(A);
    // The handshake never starts: the session is dropped after the +OK.
    const stls = await sessions.exchange(client, A, 'STLS');
    if (isOk(stls)) learn('stlsBegin', stls);
    sessions.drop();
    f.notLearned.push('CAPA after STLS: capture with --starttls to learn it');
    return undefined;
  }
  if (tls === 'implicit')
    f.notLearned.push('CAPA after STLS: captured over --tls; capture with --starttls to learn it');
  const again = await sessions.probe(A, 'STLS');
  if (isErr(again)) return again;
  if (isOk(again)) {
    sessions.drop();
    f.notLearned.push('STLS with TLS active: the server answered +OK');
  }
  return undefined;
}

/** USER with no name and with a space in it: one argument (RFC 1939), or the rest of the line (Dovecot). */
async function probeUserArguments({ sessions, f, learn }: ProbeRun): Promise<void> {
  const bare = await sessions.probe(A, 'USER');
  if (isErr(bare)) learn('missingArgument', bare, verbOf('USER'), 'USER');
  const spaced = await sessions.probe(A, 'USER pop3-mock probe');
  if (isErr(spaced)) {
    learn('tooManyArguments', spaced, [...verbOf('USER'), ['extra', 'probe']], 'USER');
  } else learn('userAccepted', spaced, [['user', 'pop3-mock probe']]);
  if (!decides(f, bare, 'USER', 'userTakesRestOfLine')) return;
  f.userTakesRestOfLine = isOk(bare);
  if (isOk(bare) !== isOk(spaced) && (isOk(spaced) || isErr(spaced))) {
    f.notLearned.push(
      `USER: ${isOk(bare) ? 'a bare USER' : 'a name with a space'} was taken, ${isOk(bare) ? 'a name with a space' : 'a bare USER'} refused; the file follows the bare USER`,
    );
  }
}

/** APOP's arguments: missing and surplus (with a timestamp), or its refusal (without). */
async function probeApopArguments({ sessions, learn }: ProbeRun): Promise<void> {
  if (!APOP_TIMESTAMP.test(sessions.greeting)) {
    // Well-formed, so the answer can only be "no APOP here" (or "unknown command").
    const refused = await sessions.probe(A, 'APOP pop3-mock-capture 0123456789abcdef0123456789abcdef');
    if (isErr(refused)) learn('apopNotEnabled', refused);
    return;
  }
  for (const line of ['APOP', 'APOP pop3-mock-capture']) {
    const answer = await sessions.probe(A, line);
    if (isErr(answer)) learn('missingArgument', answer, verbOf('APOP'), 'APOP');
  }
  const extra = await sessions.probe(A, 'APOP pop3-mock-capture a b');
  if (isErr(extra)) learn('tooManyArguments', extra, [...verbOf('APOP'), ['extra', 'b']], 'APOP');
  if (isOk(extra)) sessions.drop();
}
