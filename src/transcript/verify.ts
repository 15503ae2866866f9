import type { LocatedCommand } from '../vocabulary';
import { describeLocated, describeNearMiss, nearMisses } from './near-miss';
import {
  bareVerbHint,
  bareVerbOf,
  type CommandPattern,
  describePattern,
  locateCommands,
  matchesCommand,
} from './pattern';
import { describeFilter, filterSessions, listSessions, type SessionFilter, unmatchableFilter } from './query';
import { renderSession, type SessionView } from './render';
import { type DroppedSessions, describeDropped } from './retention';

/** How many times a command must have been received: exactly `n`, or a range. */
export type Times = number | { atLeast?: number; atMost?: number };

/** Options of `verify()` and `toHaveReceivedCommand`. */
export interface VerifyOptions extends SessionFilter {
  /** Exact count (`0`: never), or `{ atLeast, atMost }`. Default: at least once. */
  times?: Times;
}

/** A verification that failed. The message lists the closest commands seen, secrets masked. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';

  constructor(
    message: string,
    /** How many commands matched. */
    readonly count: number,
    /** The closest commands, as printed in the message. */
    readonly nearMisses: readonly string[],
  ) {
    super(message);
  }
}

/** The outcome of a check: `message` explains a failure, or (when it passed) why `.not` fails. */
export interface CheckResult {
  readonly pass: boolean;
  readonly message: string;
}

const MAX_LISTED = 10;

/**
 * Counts the commands matching `pattern` in the selected sessions and judges
 * the count. `dropped`: sessions the filter selects whose records were
 * dropped (`keepSessions`); their commands cannot be counted. A judgement
 * they could overturn is not given: a count within an upper bound
 * (`times: n`, `atMost`), or with `negated` (jest's `.not`) a count below
 * the lower bound. `pass` is then `negated`, so that both forms fail, and
 * the message says why. Any other failure notes that they were not counted.
 * `users`: the server's users, when the records are a server's: a filter
 * naming a user or session it never had gives no judgement either, in both
 * forms (see {@link unmatchableFilter}).
 */
export function checkReceived(
  records: readonly SessionView[],
  pattern: CommandPattern,
  options: VerifyOptions = {},
  dropped?: DroppedSessions,
  negated = false,
  users?: readonly string[],
): CheckResult & { count: number; matches: LocatedCommand[]; nearMisses: string[] } {
  const sessions = filterSessions(records, options);
  const what = `the command ${describePattern(pattern)}`;
  const times = describeTimes(options.times);
  const unmatchable =
    sessions.length === 0 && dropped === undefined ? unmatchableFilter(records, options, users) : undefined;
  if (unmatchable !== undefined) {
    const message = `pop3-mock: cannot tell whether ${what} was ${negated ? 'not ' : ''}received ${times}: ${unmatchable}, so no session can match ${describeFilter(options)}.`;
    return { pass: negated, message, count: 0, matches: [], nearMisses: [] };
  }
  const commands = sessions.flatMap((s) => locateCommands(s));
  const matches = commands.filter((c) => matchesCommand(pattern, c));
  const count = matches.length;
  const within = withinTimes(count, options.times);
  const lines: string[] = [];
  let misses: string[] = [];
  // 'DELE' is a DELE with no argument; a reader may mean any DELE. Where the two readings judge
  // differently (a DELE 1 came), no judgement: both forms fail, saying how to write either.
  const withArguments = sameVerbWithArguments(pattern, commands);
  if (withArguments.length > 0 && withinTimes(count + withArguments.length, options.times) !== within) {
    lines.push(
      `pop3-mock: cannot tell whether ${what} was ${negated ? 'not ' : ''}received ${times}: it was received ${plural(count)}, and ${withArguments.length} more with arguments, which would judge otherwise. ${bareVerbHint(bareVerbOf(pattern)!)}.`,
    );
    lines.push(...listed('Commands with arguments:', withArguments.map(describeLocated)));
    lines.push(...transcriptExcerpt(sessions));
    return { pass: negated, message: lines.join('\n'), count, matches, nearMisses: [] };
  }
  // Dropped sessions can only add to the count: a count over the upper bound stays over it.
  const overturnable = negated ? !within && !overUpperBound(count, options.times) : within;
  if (dropped !== undefined && overturnable && (negated || hasUpperBound(options.times))) {
    lines.push(
      `pop3-mock: cannot tell whether ${what} was ${negated ? 'not ' : ''}received ${times}: it was received ${plural(count)} in the sessions kept, but ${describeDropped(dropped, { filter: options })}, and commands of dropped sessions are not counted.`,
      CANNOT_TELL_HINT,
    );
    lines.push(...scope(records, sessions, options));
    if (count > 0) lines.push(...listed('Matching commands:', matches.map(describeLocated)));
    lines.push(...transcriptExcerpt(sessions));
    return { pass: negated, message: lines.join('\n'), count, matches, nearMisses: [] };
  }
  if (within) {
    lines.push(
      `pop3-mock: expected ${what} not to be received ${times}, but it was received ${plural(count)}.`,
    );
    lines.push(...listed('Matching commands:', matches.map(describeLocated)));
  } else {
    lines.push(`pop3-mock: expected ${what} to be received ${times}, but it was received ${plural(count)}.`);
    lines.push(...scope(records, sessions, options));
    if (count > 0) lines.push(...listed('Matching commands:', matches.map(describeLocated)));
    const others = commands.filter((c) => !matches.includes(c));
    if (count === 0 || others.length > 0) {
      misses = nearMisses(others, pattern).map(describeNearMiss);
      lines.push(...listed('Closest commands received:', misses));
    }
    lines.push(...droppedNote(dropped, options));
  }
  lines.push(...transcriptExcerpt(sessions));
  return { pass: within, message: lines.join('\n'), count, matches, nearMisses: misses };
}

/** The commands a bare verb pattern (`'DELE'`) leaves out for their arguments (`DELE 1`); none for other patterns. */
function sameVerbWithArguments(
  pattern: CommandPattern,
  commands: readonly LocatedCommand[],
): LocatedCommand[] {
  const verb = bareVerbOf(pattern);
  return verb === undefined ? [] : commands.filter((c) => c.verb === verb && !matchesCommand(pattern, c));
}

/**
 * The commands that match `patterns` in their order, the earliest each (the
 * earliest match leaves the most room for the rest); `failedAt`: the first
 * pattern with no match after the one before it, `cursor` where it was looked for.
 */
function findInOrder(
  commands: readonly LocatedCommand[],
  patterns: readonly CommandPattern[],
  match: (pattern: CommandPattern, command: LocatedCommand) => boolean,
): { found: LocatedCommand[]; cursor: number; failedAt: number | undefined } {
  const found: LocatedCommand[] = [];
  let cursor = 0;
  for (const [i, pattern] of patterns.entries()) {
    const at = commands.findIndex((c, j) => j >= cursor && match(pattern, c));
    if (at === -1) return { found, cursor, failedAt: i };
    found.push(commands[at]!);
    cursor = at + 1;
  }
  return { found, cursor, failedAt: undefined };
}

/** `pattern` as a reader may take it: a bare verb (`'DELE'`) as any command of that verb. */
function matchesAnyOfBareVerb(pattern: CommandPattern, command: LocatedCommand): boolean {
  return matchesCommand(pattern, command) || bareVerbOf(pattern) === command.verb;
}

/** What a "cannot tell" message suggests. */
export const CANNOT_TELL_HINT =
  'Check kept sessions only ({ sessionId }, or a { user } whose sessions are all kept), raise keepSessions, or reset() between tests.';

/** Whether `times` limits the count from above: `n` (0 included) or `atMost`. */
export function hasUpperBound(times: Times | undefined): boolean {
  return typeof times === 'number' || times?.atMost !== undefined;
}

function overUpperBound(count: number, times: Times | undefined): boolean {
  if (typeof times === 'number') return count > times;
  return times?.atMost !== undefined && count > times.atMost;
}

/** The line a failure message adds when sessions it would have looked at were dropped. */
export function droppedNote(dropped: DroppedSessions | undefined, filter: SessionFilter): string[] {
  if (dropped === undefined) return [];
  return [`Not looked at: ${describeDropped(dropped, { filter })}.`];
}

/** Throws a {@link VerificationError} unless {@link checkReceived} passes. */
export function verifyReceived(
  records: readonly SessionView[],
  pattern: CommandPattern,
  options: VerifyOptions = {},
  dropped?: DroppedSessions,
  users?: readonly string[],
): number {
  const result = checkReceived(records, pattern, options, dropped, false, users);
  if (!result.pass) throw new VerificationError(result.message, result.count, result.nearMisses);
  return result.count;
}

/**
 * Whether the commands were received in this order, other commands allowed
 * in between (a subsequence). Sessions are taken one after the other in
 * connection order.
 */
export function checkSequence(
  records: readonly SessionView[],
  patterns: readonly CommandPattern[],
  filter: SessionFilter = {},
  dropped?: DroppedSessions,
  users?: readonly string[],
): CheckResult & { matches: LocatedCommand[]; unjudged?: true } {
  const sessions = filterSessions(records, filter);
  const unmatchable =
    sessions.length === 0 && dropped === undefined ? unmatchableFilter(records, filter, users) : undefined;
  if (unmatchable !== undefined) {
    const claim = `the commands ${patterns.map(describePattern).join(', ')} were received in this order`;
    // Both forms fail: `pass` false here, and the matcher's `.not` is told the same (see jest-matchers.ts).
    return {
      pass: false,
      unjudged: true,
      message: `pop3-mock: cannot tell whether ${claim}: ${unmatchable}, so no session can match ${describeFilter(filter)}.`,
      matches: [],
    };
  }
  const commands = sessions.flatMap((s) => locateCommands(s));
  const { found, cursor, failedAt } = findInOrder(commands, patterns, matchesCommand);
  const expected = patterns.map(describePattern).join(', ');
  const lines: string[] = [];
  // Not in this order as written, but in it with a bare verb pattern read as any command of its verb
  // ('DELE' as DELE 1 too): the two readings judge otherwise. No judgement (both forms fail), as for
  // a single command.
  if (
    failedAt !== undefined &&
    findInOrder(commands, patterns, matchesAnyOfBareVerb).failedAt === undefined
  ) {
    const bare = patterns.find((p) => sameVerbWithArguments(p, commands).length > 0)!;
    return {
      pass: false,
      unjudged: true,
      message: [
        `pop3-mock: cannot tell whether the commands ${expected} were received in this order: ${describePattern(patterns[failedAt]!)} was not received after the ${found.length} before it, but with the same verbs with arguments the order holds. ${bareVerbHint(bareVerbOf(bare)!)}.`,
        ...listed(
          'Commands with arguments:',
          patterns.flatMap((p) => sameVerbWithArguments(p, commands)).map(describeLocated),
        ),
      ].join('\n'),
      matches: found,
    };
  }
  if (failedAt === undefined) {
    lines.push(
      `pop3-mock: expected the commands ${expected} not to be received in this order, but they were:`,
    );
    lines.push(...found.map((c) => `  ${describeLocated(c)}`));
  } else {
    const missing = patterns[failedAt]!;
    lines.push(`pop3-mock: expected the commands ${expected} to be received in this order.`);
    lines.push(...scope(records, sessions, filter));
    if (found.length > 0) {
      lines.push(
        `Matched ${found.length} of ${patterns.length}:`,
        ...found.map((c) => `  ${describeLocated(c)}`),
      );
      lines.push(
        `Then ${describePattern(missing)} was not received after session ${found.at(-1)!.sessionId} #${found.at(-1)!.index}.`,
      );
    } else {
      lines.push(`The first one, ${describePattern(missing)}, was never received.`);
    }
    const after = commands.slice(cursor);
    lines.push(
      ...listed(
        after.length === commands.length
          ? 'Closest commands received:'
          : 'Closest commands received after that:',
        nearMisses(after, missing).map(describeNearMiss),
      ),
    );
    lines.push(...droppedNote(dropped, filter));
  }
  lines.push(...transcriptExcerpt(sessions));
  return { pass: failedAt === undefined, message: lines.join('\n'), matches: found };
}

export function withinTimes(count: number, times: Times | undefined): boolean {
  if (times === undefined) return count >= 1;
  if (typeof times === 'number') return count === times;
  return count >= (times.atLeast ?? 0) && count <= (times.atMost ?? Number.POSITIVE_INFINITY);
}

export function describeTimes(times: Times | undefined): string {
  if (times === undefined) return 'at least once';
  if (typeof times === 'number') return `exactly ${plural(times)}`;
  const parts: string[] = [];
  if (times.atLeast !== undefined) parts.push(`at least ${plural(times.atLeast)}`);
  if (times.atMost !== undefined) parts.push(`at most ${plural(times.atMost)}`);
  return parts.length === 0 ? 'any number of times' : parts.join(' and ');
}

const plural = (n: number) => (n === 1 ? '1 time' : `${n} times`);

function scope(all: readonly SessionView[], chosen: readonly SessionView[], filter: SessionFilter): string[] {
  const by = describeFilter(filter);
  if (all.length === 0) return ['No client has connected.'];
  if (chosen.length === 0) return [`No session matches ${by}; sessions seen: ${listSessions(all)}.`];
  return [`Sessions looked at${by === '' ? '' : ` (${by})`}: ${listSessions(chosen)}.`];
}

function listed(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [`${title} none.`];
  const shown = items.slice(0, MAX_LISTED).map((i) => `  ${i}`);
  if (items.length > MAX_LISTED) shown.push(`  ... and ${items.length - MAX_LISTED} more`);
  return [title, ...shown];
}

/**
 * The redacted transcript of the last few sessions, each cut to its last
 * lines, for failure messages.
 */
export function transcriptExcerpt(
  sessions: readonly SessionView[],
  maxSessions = 3,
  maxLines = 40,
): string[] {
  if (sessions.length === 0) return [];
  const shown = sessions.slice(-maxSessions);
  const out = [
    `Transcript${sessions.length > shown.length ? ` (last ${shown.length} of ${sessions.length} sessions)` : ''}:`,
  ];
  for (const session of shown) {
    const lines = renderSession(session).split('\n');
    const [head, ...body] = lines;
    out.push(`  ${head}`);
    if (body.length > maxLines) out.push(`  ... ${body.length - maxLines} earlier lines`);
    out.push(...body.slice(-maxLines).map((l) => `  ${l}`));
  }
  return out;
}
