import type { TextState } from '../dialects/dialect-file';
import { A, type Findings, type Learn, noReply, type ProbeRun, T } from './findings';
import type { Answer } from './line-client';
import { isErr, isOk, lineOf, type ProbeSessions } from './probe-session';

/** Longest line tried when looking for a limit; past it the server is taken to have none. */
export const LINE_SEARCH_CEILING = 65_536;
/**
 * The unknown command the long lines carry. Four letters, as every POP3
 * command has: Dovecot's pop3-login reads the command word before it counts
 * (XYZZY's lines get a limit one octet longer than USER's).
 */
const LONG_LINE_VERB = 'XPAD';
/** Bad commands sent when looking for the limit; past it, none is assumed. */
const BAD_COMMAND_CEILING: Record<TextState, number> = { AUTHORIZATION: 30, TRANSACTION: 60 };

/**
 * Limits (docs/DIALECTS.md, "The probe script", steps 12 and 13), each in fresh
 * sessions: the longest line and the bad-command count, before and after login.
 */
export async function probeLimits({ sessions, f, learn }: ProbeRun): Promise<void> {
  for (const state of [A, T]) await lineLimit(sessions, state, f, learn);
  for (const state of [A, T]) await badCommandLimit(sessions, state, f, learn);
  sessions.drop();
}

const where = (state: TextState) => (state === 'AUTHORIZATION' ? 'before login' : 'after login');

/** The argument of the reference line: an unknown-command reply that echoes it shows these a's. */
const SHORT_ARGUMENT = 'a'.repeat(8);

/**
 * Whether `line` is the unknown-command reply `normal` (to `XPAD aaaaaaaa`) for
 * `argument`: the same, or with the echoed argument (whole or clipped) in place
 * of the short one.
 */
function isUnknownReply(line: string | undefined, normal: string | undefined, argument: string): boolean {
  if (line === undefined || normal === undefined) return false;
  if (line === normal) return true;
  const at = normal.indexOf(SHORT_ARGUMENT);
  if (at === -1) return false;
  const prefix = normal.slice(0, at);
  const suffix = normal.slice(at + SHORT_ARGUMENT.length).replace(/^a+/, '');
  if (line === `${prefix}${argument}${suffix}`) return true;
  const rest = line.startsWith(prefix) ? line.slice(prefix.length) : '';
  const after = rest.replace(/^a+/, '');
  return rest !== after && (after === suffix || after === '');
}

/** Finds the longest line `state` accepts: 255 octets confirmed, then doubling, then halving the gap. */
async function lineLimit(
  sessions: ProbeSessions,
  state: TextState,
  f: Findings,
  learn: Learn,
): Promise<void> {
  const reference = await sessions.probe(state, `${LONG_LINE_VERB} ${SHORT_ARGUMENT}`);
  const normal = lineOf(reference);
  if (normal === undefined) {
    // Nothing to tell a taken line by: every line would pass for too long.
    f.notLearned.push(
      `a line limit ${where(state)}: ${LONG_LINE_VERB} ${SHORT_ARGUMENT} got ${noReply(reference)}; not learned, the preset's`,
    );
    return;
  }
  if (normal?.includes(SHORT_ARGUMENT))
    f.notLearned.push(
      `unknown commands ${where(state)}: the server echoes their arguments ("${normal}" to ${LONG_LINE_VERB} ${SHORT_ARGUMENT}); the mock's unknownCommand text has the verb only`,
    );
  // `closed` undefined: the command after the long line got no reply in time, so whether the server closes is unknown.
  const tooLong = new Map<number, { answer: Answer; closed: boolean | undefined }>();
  /** Whether a line of `length` octets is taken; undefined when it got no reply in time (a late one would be misread). */
  const accepted = async (length: number): Promise<boolean | undefined> => {
    const client = await sessions.fresh(state);
    const argument = 'a'.repeat(Math.max(0, length - LONG_LINE_VERB.length - 3));
    const answer = await sessions.exchange(client, state, `${LONG_LINE_VERB} ${argument}\r\n`, false, true);
    if (isUnknownReply(lineOf(answer), normal, argument)) return true;
    if (answer.kind === 'silent') return undefined;
    const next = await sessions.exchange(
      client,
      state,
      state === 'AUTHORIZATION' ? 'CAPA' : 'NOOP',
      state === 'AUTHORIZATION',
    );
    tooLong.set(length, { answer, closed: next.kind === 'silent' ? undefined : !isOk(next) });
    return false;
  };
  /** No reply in time to a line of `length` octets: the limit is not learned (a reply after the timeout would be read as the next probe's). */
  const unheard = (length: number) => {
    f.notLearned.push(
      `a line limit ${where(state)}: no reply to a line of ${length} octets within the timeout (--timeout-ms); not learned, the preset's`,
    );
    sessions.drop();
  };
  let low = 255;
  const first = await accepted(low);
  if (first === undefined) return unheard(low);
  if (!first) {
    f.notLearned.push(
      `a line limit ${where(state)}: a line of ${low} octets was not answered as an unknown command; not learned, the preset's`,
    );
    sessions.drop();
    return;
  }
  let high = 512;
  while (high <= LINE_SEARCH_CEILING) {
    const taken = await accepted(high);
    if (taken === undefined) return unheard(high);
    if (!taken) break;
    low = high;
    high *= 2;
  }
  if (high > LINE_SEARCH_CEILING) {
    f.notLearned.push(`a line limit ${where(state)}: none up to ${LINE_SEARCH_CEILING} octets`);
    f.maxLineLength[state] = LINE_SEARCH_CEILING;
    return;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const taken = await accepted(mid);
    if (taken === undefined) return unheard(mid);
    if (taken) low = mid;
    else high = mid;
  }
  f.maxLineLength[state] = low;
  const seen = tooLong.get(high);
  if (seen !== undefined) {
    if (seen.closed === undefined)
      f.notLearned.push(
        `whether the server closes after an over-long line ${where(state)}: no reply to ${state === 'AUTHORIZATION' ? 'CAPA' : 'NOOP'} after it within the timeout (--timeout-ms); not learned from it`,
      );
    else f.closeOnLongLine[state] = seen.closed;
    if (isErr(seen.answer)) learn('lineTooLong', seen.answer, [['state', state]], undefined, state);
    else
      f.notLearned.push(
        `an over-long line ${where(state)}: the server ${seen.answer.kind === 'closed' ? 'closed without a reply' : `answered ${lineOf(seen.answer) ?? 'nothing'}`}; the mock answers -ERR with the lineTooLong text`,
      );
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
  let answer = await sessions.exchange(client, state, 'XYZZY');
  // The reply every bad command gets until the limit: none when the first got none (a close at once).
  const normal = answer.kind === 'line' ? answer.line : undefined;
  let answered = 0;
  while (normal !== undefined && lineOf(answer) === normal) {
    answered++;
    if (answered >= BAD_COMMAND_CEILING[state]) {
      f.maxBadCommands[state] = null;
      f.notLearned.push(
        `a bad-command limit ${where(state)}: none up to ${BAD_COMMAND_CEILING[state]} bad commands (the file says none)`,
      );
      sessions.drop();
      return;
    }
    answer = await sessions.exchange(client, state, 'XYZZY');
  }
  if (answer.kind === 'silent') {
    // A server that slows down after bad commands, or hangs: no limit shows, and a late reply would be misread.
    f.notLearned.push(
      `a bad-command limit ${where(state)}: no reply to bad command ${answered + 1} within the timeout (--timeout-ms); not learned, the preset's`,
    );
    sessions.drop();
    return;
  }
  // The limit line (or the close) came after `answered` replies: in addition to the last
  // one's reply (the mock's way), or in place of the next one's (always so at the first).
  const inPlace = answered === 0 || (await goodAfterBad(sessions, state, answered));
  if (isErr(answer)) learn('tooManyBadCommands', answer, [['state', state]], undefined, state);
  if (typeof inPlace === 'string') {
    // Either limit would be a guess: off by one, the replay closes a command early or late.
    f.notLearned.push(
      `a bad-command limit ${where(state)}: in a second session, ${inPlace}; not learned, the preset's`,
    );
    return;
  }
  const limit = inPlace ? answered + 1 : answered;
  f.maxBadCommands[state] = limit;
  if (!isErr(answer))
    f.notLearned.push(
      `the bad-command limit ${where(state)}: the server ${answer.kind === 'closed' ? 'closed without a line' : `answered ${lineOf(answer) ?? 'nothing'}`} ${inPlace ? `at bad command ${limit}` : `after its reply to bad command ${limit}`}; the mock sends its -ERR and the tooManyBadCommands line, then closes`,
    );
  else if (inPlace)
    f.notLearned.push(
      `the bad-command limit ${where(state)}: the server answers bad command ${limit} with the limit line alone; the mock sends its -ERR for the command, then that line`,
    );
  sessions.drop();
}

/**
 * Whether a command that succeeds is still answered after `count` bad ones: then the
 * limit is the next one. A string when the second session cannot tell: which probe
 * got no reply in time (a late reply would be read as the next one's, and a silent
 * good command is no refusal).
 */
async function goodAfterBad(
  sessions: ProbeSessions,
  state: TextState,
  count: number,
): Promise<boolean | string> {
  const client = await sessions.fresh(state);
  const good = state === 'AUTHORIZATION' ? 'CAPA' : 'NOOP';
  try {
    for (let i = 1; i <= count; i++) {
      const bad = await sessions.exchange(client, state, 'XYZZY');
      if (bad.kind === 'silent') return `no reply to bad command ${i} within the timeout (--timeout-ms)`;
    }
    const answer = await sessions.exchange(client, state, good, state === 'AUTHORIZATION');
    if (answer.kind === 'silent')
      return `no reply to ${good} after ${count} bad commands within the timeout (--timeout-ms)`;
    return isOk(answer);
  } finally {
    sessions.drop();
  }
}
