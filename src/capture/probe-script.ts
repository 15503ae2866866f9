import type { TextState } from '../dialects/dialect-file';
import type { FileTextName } from '../dialects/file-placeholders';
import type { Answer } from './line-client';
import { CaptureStopped, isErr, isOk, lineOf, type ProbeSessions, textOf } from './probe-session';
import { type KnownValues, templateOf } from './template-of';

/** One observed text, made a template. */
export interface Sample {
  readonly text: FileTextName;
  readonly template: string;
  /** The reply text it came from, and the values the script knew, to check a template against. */
  readonly raw: string;
  readonly values: Readonly<Record<string, string | number>>;
  readonly verb?: string;
  readonly state?: TextState;
}

/** What the script learned, before it becomes a dialect file. */
export interface Findings {
  greeting: string;
  samples: Sample[];
  capa: { beforeLogin?: string[]; afterLogin?: string[]; afterStls?: string[] };
  maxLineLength: Partial<Record<TextState, number>>;
  closeOnLongLine?: boolean;
  maxBadCommands: Partial<Record<TextState, number | null>>;
  ignoreExtraArguments?: boolean;
  authListsMechanisms?: boolean;
  rfcNumberingAfterDele?: boolean;
  notLearned: string[];
}

/** Longest line tried when looking for a limit; past it the server is taken to have none. */
export const LINE_SEARCH_CEILING = 65_536;
/** Bad commands sent when looking for the limit; past it, none is assumed. */
const BAD_COMMAND_CEILING: Record<TextState, number> = { AUTHORIZATION: 30, TRANSACTION: 60 };

/**
 * The probe script, in the order docs/DIALECTS.md lists it. Every session
 * that marks a message deleted unmarks it with RSET and is then dropped
 * without QUIT; QUIT is sent only in sessions that changed nothing.
 */
export async function runProbeScript(sessions: ProbeSessions, user: string): Promise<Findings> {
  const f: Findings = {
    greeting: '',
    samples: [],
    capa: {},
    maxLineLength: {},
    maxBadCommands: {},
    notLearned: [],
  };
  const learn = (
    text: FileTextName,
    answer: Answer,
    values: KnownValues = [],
    verb?: string,
    state?: TextState,
  ) => {
    const line = lineOf(answer);
    if (line === undefined) return;
    f.samples.push({
      text,
      template: templateOf(textOf(line), values),
      raw: textOf(line),
      values: Object.fromEntries(values),
      verb,
      state,
    });
  };
  const A: TextState = 'AUTHORIZATION';
  const T: TextState = 'TRANSACTION';
  const verbOf = (v: string): KnownValues => [
    ['verb', v],
    ['VERB', v.toUpperCase()],
  ];

  // Before login ---------------------------------------------------------------
  await sessions.session(A);
  f.greeting = sessions.greeting;
  const capa = await sessions.probe(A, 'CAPA', true);
  if (capa.kind === 'multi') {
    f.capa.beforeLogin = [...capa.body];
    learn('capaHeader', capa);
  } else f.notLearned.push('CAPA: the server does not answer it');
  const auth = await sessions.probe(A, 'AUTH', true);
  f.authListsMechanisms = auth.kind === 'multi';
  if (auth.kind === 'multi') learn('authMechanismList', auth);
  else learn('missingArgument', auth, verbOf('AUTH'), 'AUTH');
  learn('unknownMechanism', await sessions.probe(A, 'AUTH X-NO-SUCH-MECH'), [['name', 'X-NO-SUCH-MECH']]);
  // Mixed case, so a reply that upper-cases the verb is told from one that echoes it.
  for (const verb of ['Xyzzy', 'Frobnicate'])
    learn('unknownCommand', await sessions.probe(A, verb), [...verbOf(verb), ['state', A]], undefined, A);
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
  learn('passWithoutUser', await sessions.probe(A, 'PASS not-the-password'));
  const bareUser = await sessions.probe(A, 'USER');
  if (isErr(bareUser)) learn('missingArgument', bareUser, verbOf('USER'), 'USER');
  else f.notLearned.push('USER without a name: the server answered +OK');
  sessions.drop();

  // After login ----------------------------------------------------------------
  const login = await sessions.fresh(T);
  const stat = await sessions.exchange(login, T, 'STAT');
  const match = /^\+OK (\d+) (\d+)/.exec(lineOf(stat) ?? '');
  if (!match)
    throw new CaptureStopped(`STAT did not answer "+OK count octets": ${lineOf(stat) ?? stat.kind}`);
  const count = Number(match[1]);
  const octets = Number(match[2]);
  const passLine = sessions.transcript.filter((e) => e.sent === 'PASS ********').at(-1)?.reply[0] ?? '';
  const counts: KnownValues = [
    ['count', count],
    ['octets', octets],
  ];
  learn('loggedIn', { kind: 'line', line: passLine }, counts);
  const list = await sessions.probe(T, 'LIST', true);
  learn('listHeader', list, counts);
  const sizes = list.kind === 'multi' ? list.body.map((l) => Number(l.split(' ')[1])) : [];
  const after = await sessions.probe(T, 'CAPA', true);
  if (after.kind === 'multi') f.capa.afterLogin = [...after.body];
  learn('noop', await sessions.probe(T, 'NOOP'));
  const noopX = await sessions.probe(T, 'NOOP extra');
  f.ignoreExtraArguments = isOk(noopX);
  if (!f.ignoreExtraArguments)
    learn('tooManyArguments', noopX, [...verbOf('NOOP'), ['extra', 'extra']], 'NOOP');
  const uidl = await sessions.probe(T, 'UIDL', true);
  if (uidl.kind === 'multi') learn('uidlHeader', uidl);
  for (const verb of ['Xyzzy', 'Frobnicate'])
    learn('unknownCommand', await sessions.probe(T, verb), [...verbOf(verb), ['state', T]], undefined, T);
  for (const verb of ['User', 'Pass']) {
    learn(
      'wrongState',
      await sessions.probe(T, `${verb} x`),
      [...verbOf(verb), ['state', T]],
      verb.toUpperCase(),
      T,
    );
  }
  for (const verb of ['Retr', 'Dele', 'Top']) {
    learn(
      'missingArgument',
      await sessions.probe(T, verb === 'Top' ? 'TOP 1' : verb.toUpperCase()),
      verbOf(verb.toUpperCase()),
      verb.toUpperCase(),
    );
  }
  // A number past the count, with leading zeros: {number} (its value) is told from {argument} (as typed).
  const past = count + 37;
  for (const typed of [String(past), `00${past}`, '0']) {
    const n = String(Number(typed));
    learn('noSuchMessage', await sessions.probe(T, `LIST ${typed}`), [
      ['number', n],
      ['argument', typed],
      ['count', count],
    ]);
  }
  for (const typed of ['abc', '-1'])
    learn('invalidNumber', await sessions.probe(T, `RETR ${typed}`), [['argument', typed]]);
  if (count === 0) {
    f.notLearned.push(
      'with an empty mailbox: RETR, TOP, DELE, RSET texts, extra arguments, LIST n after DELE',
    );
  } else {
    learn(
      'tooManyArguments',
      await sessions.probe(T, 'LIST 1 junk'),
      [...verbOf('LIST'), ['extra', 'junk']],
      'LIST',
    );
    learn('invalidLineCount', await sessions.probe(T, 'TOP 1 lots'), [['argument', 'lots']]);
    const retr = await sessions.probe(T, 'RETR 1', true);
    learn('retrieved', retr, [['size', sizes[0] ?? -1]]);
    learn('top', await sessions.probe(T, 'TOP 1 0', true));
    const dele = await sessions.probe(T, 'DELE 1');
    if (!isOk(dele)) throw new CaptureStopped(`DELE 1 failed: ${lineOf(dele) ?? dele.kind}`);
    learn('deleted', dele, [['number', 1]]);
    learn('alreadyDeleted', await sessions.probe(T, 'DELE 1'), [['number', 1]]);
    learn('messageDeleted', await sessions.probe(T, 'LIST 1'), [['number', 1]]);
    if (count >= 2) {
      const second = await sessions.probe(T, 'LIST 2');
      f.rfcNumberingAfterDele = lineOf(second) === `+OK 2 ${sizes[1]}`;
    }
    const rset = await sessions.probe(T, 'RSET');
    learn('reset', rset, [
      ['count', count],
      ['octets', octets],
      ['unmarked', 1],
    ]);
    const check = await sessions.probe(T, 'STAT');
    if (lineOf(check) !== lineOf(stat)) {
      sessions.drop();
      throw new CaptureStopped(`after RSET, STAT says ${lineOf(check)} instead of ${lineOf(stat)}: stopping`);
    }
  }
  // No QUIT here: RETR may set flags at UPDATE; the dropped session commits nothing.
  sessions.drop();
  await sessions.session(T);
  learn('quitUpdate', await sessions.quit(T), [['left', count]]);

  // Limits ---------------------------------------------------------------------
  for (const state of [A, T]) await lineLimit(sessions, state, f, learn);
  for (const state of [A, T]) await badCommandLimit(sessions, state, f, learn);
  sessions.drop();

  // Failed logins last: servers delay logins after a failure (Dovecot's auth penalty
  // doubles per failure from one address, up to 15 s), so they go after every good one.
  // An unknown user, a wrong password, an empty one: each in its own session.
  const unknownUser = 'pop3-mock-capture-no-such-user';
  const client = await sessions.fresh(A);
  learn('userAccepted', await sessions.exchange(client, A, `USER ${unknownUser}`), [['user', unknownUser]]);
  learn('authFailed', await sessions.exchange(client, A, 'PASS not-the-password'));
  const client2 = await sessions.fresh(A);
  learn('userAccepted', await sessions.exchange(client2, A, `USER ${user}`), [['user', user]]);
  learn('authFailed', await sessions.exchange(client2, A, 'PASS not-the-password'));
  const client3 = await sessions.fresh(A);
  await sessions.exchange(client3, A, `USER ${user}`);
  const bare = await sessions.exchange(client3, A, 'PASS');
  if (isErr(bare)) learn('missingArgument', bare, verbOf('PASS'), 'PASS');
  learn('quitAuthorization', await sessions.quit(A));
  sessions.drop();
  return f;
}

type Learn = (
  text: FileTextName,
  answer: Answer,
  values?: KnownValues,
  verb?: string,
  state?: TextState,
) => void;

/** Finds the longest line `state` accepts: doubling, then halving the gap. */
async function lineLimit(
  sessions: ProbeSessions,
  state: TextState,
  f: Findings,
  learn: Learn,
): Promise<void> {
  const normal = lineOf(await sessions.probe(state, 'XYZZY'));
  const tooLong = new Map<number, { answer: Answer; closed: boolean }>();
  const accepted = async (length: number) => {
    const client = await sessions.fresh(state);
    const line = `XYZZY ${'a'.repeat(Math.max(0, length - 8))}\r\n`;
    const answer = await sessions.exchange(client, state, line, false, true);
    if (lineOf(answer) === normal) return true;
    const next = await sessions.exchange(
      client,
      state,
      state === 'AUTHORIZATION' ? 'CAPA' : 'NOOP',
      state === 'AUTHORIZATION',
    );
    tooLong.set(length, { answer, closed: !isOk(next) });
    return false;
  };
  let low = 255;
  let high = 512;
  while (high <= LINE_SEARCH_CEILING && (await accepted(high))) {
    low = high;
    high *= 2;
  }
  if (high > LINE_SEARCH_CEILING) {
    f.notLearned.push(
      `a line limit ${state === 'AUTHORIZATION' ? 'before' : 'after'} login: none up to ${LINE_SEARCH_CEILING} octets`,
    );
    f.maxLineLength[state] = LINE_SEARCH_CEILING;
    return;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await accepted(mid)) low = mid;
    else high = mid;
  }
  f.maxLineLength[state] = low;
  const seen = tooLong.get(high);
  if (seen !== undefined) {
    learn('lineTooLong', seen.answer, [['state', state]], undefined, state);
    f.closeOnLongLine = seen.closed;
  }
  sessions.drop();
}

/** Sends unknown commands until the server closes, or the ceiling. */
async function badCommandLimit(
  sessions: ProbeSessions,
  state: TextState,
  f: Findings,
  learn: Learn,
): Promise<void> {
  const client = await sessions.fresh(state);
  const first = await sessions.exchange(client, state, 'XYZZY');
  const normal = lineOf(first);
  let answered = 1;
  for (;;) {
    if (answered >= BAD_COMMAND_CEILING[state]) {
      f.maxBadCommands[state] = null;
      break;
    }
    const answer = await sessions.exchange(client, state, 'XYZZY');
    if (lineOf(answer) === normal) {
      answered++;
      continue;
    }
    f.maxBadCommands[state] = answered;
    // The extra line a server sends before closing, read as the answer to one more command.
    if (isErr(answer)) learn('tooManyBadCommands', answer, [['state', state]], undefined, state);
    break;
  }
  sessions.drop();
}
