import type { TextState } from '../dialects/dialect-file';
import { A, type Findings, type Learn, type ProbeRun, T } from './findings';
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

/** Finds the longest line `state` accepts: doubling, then halving the gap. */
async function lineLimit(
  sessions: ProbeSessions,
  state: TextState,
  f: Findings,
  learn: Learn,
): Promise<void> {
  const normal = lineOf(await sessions.probe(state, LONG_LINE_VERB));
  const tooLong = new Map<number, { answer: Answer; closed: boolean }>();
  const accepted = async (length: number) => {
    const client = await sessions.fresh(state);
    const line = `${LONG_LINE_VERB} ${'a'.repeat(Math.max(0, length - LONG_LINE_VERB.length - 3))}\r\n`;
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
