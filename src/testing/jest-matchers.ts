import {
  endedWithArguments,
  messageSetArguments,
  receivedCommandArguments,
  receivedCommandsArguments,
} from '../schema/matcher-arguments';
import type { ExportableSession } from '../transcript/json-export';
import { type CommandPattern, describePattern, locateCommands } from '../transcript/pattern';
import { describeFilter, filterSessions, listSessions, type SessionFilter } from '../transcript/query';
import { checkReceived, checkSequence, transcriptExcerpt, type VerifyOptions } from '../transcript/verify';
import type { EndReason, TlsFailureCause, TlsRefusalCause } from '../vocabulary';
import {
  badExpectation,
  cannotTell,
  checkArguments,
  hint,
  type MatcherThis,
  type Pop3MatcherResult,
  sessionsOf,
  unjudgedFilter,
} from './matcher-support';
import {
  type TlsFailureExpectation,
  type TlsRefusalExpectation,
  toHaveRefusedTls,
  toHaveTlsFailure,
} from './tls-matchers';

export type { Pop3MatcherResult } from './matcher-support';
export type { TlsFailureExpectation, TlsRefusalExpectation } from './tls-matchers';

/**
 * The matchers, typed for `expect(...)`. `R` is what a matcher call returns
 * in your framework (`void` for jest and vitest, `Promise<void>` after `resolves`).
 *
 * The received value is a `Pop3Mock` (every session), a `SessionRecord`, or
 * an array of records; `options` narrow it to one user or session.
 *
 * Given a `Pop3Mock` whose `keepSessions` dropped sessions the check would
 * look at, a matcher judges the sessions kept, and where a dropped session
 * could overturn the judgement (`times: 0`, `.not`, an exact set of
 * messages) it fails in both forms, saying so. An array of records carries
 * no word of what was dropped: pass the server for that. A received value
 * or an argument a matcher cannot read also fails in both forms: it judged
 * nothing, so `.not` must not pass.
 */
export interface Pop3Matchers<R = unknown> {
  /** The command was received: at least once, or `times` times. Patterns as in `pop3.verify()`. */
  toHaveReceivedCommand(pattern: CommandPattern, options?: VerifyOptions): R;
  /**
   * These commands were received in this order, others allowed in between:
   * within a session, in the order they arrived; across sessions, session
   * by session, in the order the sessions began (not interleaved by time:
   * two clients' commands in one millisecond have no order to compare). To
   * check one client, narrow it with `{ sessionId }` or `{ user }`.
   */
  toHaveReceivedCommands(patterns: readonly CommandPattern[], options?: SessionFilter): R;
  /**
   * Exactly these messages were removed at UPDATE: message numbers (as the
   * sessions numbered them) or UIDs. Order and repeats do not matter.
   */
  toHaveDeletedMessages(expected: readonly number[] | readonly string[], options?: SessionFilter): R;
  /** Exactly these messages were RETRieved, their replies whole (numbers or UIDs; order and repeats do not matter): see `record.retrieved`. */
  toHaveRetrievedMessages(expected: readonly number[] | readonly string[], options?: SessionFilter): R;
  /** The session (for a server: the last session, or the last matching `options`) ended this way. */
  toHaveEndedWith(reason: EndReason, options?: SessionFilter): R;
  /**
   * A session refused TLS (the client sent an alert or closed during the
   * handshake, or closed right after it without a command under a broken
   * certificate), with one of `cause` if given (`'unknown_ca'`,
   * `'no-alert'`, ...); no session sent USER, PASS, APOP or AUTH in
   * plaintext (dropped lines around STLS and lines too long to be read
   * included); and, under a broken `tls.certificate` mode, no session
   * completed the handshake and went on to send commands (or such a line). "The client refused the certificate and never sent
   * its password". A failure no client caused (`no-handshake`, `not-tls`,
   * `server-error`, `server-ended`) is no refusal: as a `cause` here it is a
   * compile error, and at run time both `expect(...)` and `.not` fail; ask
   * {@link toHaveTlsFailure}. See docs/TLS.md.
   */
  toHaveRefusedTls<const C extends TlsFailureCause = TlsRefusalCause>(options?: TlsRefusalExpectation<C>): R;
  /**
   * A session's TLS handshake (implicit or after STLS) did not complete,
   * with one of `cause` if given, whoever caused it: a client's refusal
   * (its alert, `'no-alert'`) or a failure no client caused (`'no-handshake'`:
   * a port probe; `'not-tls'`; `'server-error'`; `'server-ended'`). Nothing
   * else is checked: to assert that a client refused and sent no
   * credentials, use {@link toHaveRefusedTls}. A misspelt cause fails both
   * `expect(...)` and `.not`. See docs/TLS.md.
   */
  toHaveTlsFailure(options?: TlsFailureExpectation): R;
}

function toHaveReceivedCommand(
  this: MatcherThis | undefined,
  received: unknown,
  pattern: CommandPattern,
  givenOptions: VerifyOptions = {},
): Pop3MatcherResult {
  const name = 'toHaveReceivedCommand';
  const isNot = this?.isNot === true;
  const s = sessionsOf(received);
  if ('error' in s) return badExpectation(name, isNot, s.error);
  const args = checkArguments(name, isNot, receivedCommandArguments, { pattern, options: givenOptions });
  if ('failed' in args) return args.failed;
  const { options } = args.value;
  const result = checkReceived(s.records, pattern, options, s.dropped(options), isNot, s.users);
  return { pass: result.pass, message: () => `${hint(name, 'pattern')}${result.message}` };
}

function toHaveReceivedCommands(
  this: MatcherThis | undefined,
  received: unknown,
  patterns: readonly CommandPattern[],
  givenOptions: SessionFilter = {},
): Pop3MatcherResult {
  const name = 'toHaveReceivedCommands';
  const isNot = this?.isNot === true;
  const s = sessionsOf(received);
  if ('error' in s) return badExpectation(name, isNot, s.error);
  const args = checkArguments(name, isNot, receivedCommandsArguments, { patterns, options: givenOptions });
  if ('failed' in args) return args.failed;
  const { options } = args.value;
  const dropped = s.dropped(options);
  const result = checkSequence(s.records, patterns, options, dropped, s.users);
  // A filter that can match no session: no judgement, so both forms fail.
  if (result.unjudged) return { pass: isNot, message: () => `${hint(name, 'patterns')}${result.message}` };
  // Found in the kept sessions holds for all of them; not found may be in a dropped one.
  if (dropped && !result.pass && isNot) {
    const claim = `the commands ${patterns.map(describePattern).join(', ')} were not received in this order`;
    return cannotTell(name, true, claim, dropped, options);
  }
  return { pass: result.pass, message: () => `${hint(name, 'patterns')}${result.message}` };
}

function messageSet(
  name: string,
  kind: 'deleted' | 'retrieved',
  received: unknown,
  expected: readonly (number | string)[],
  givenOptions: SessionFilter,
  isNot: boolean,
): Pop3MatcherResult {
  const s = sessionsOf(received);
  if ('error' in s) return badExpectation(name, isNot, s.error);
  const args = checkArguments(name, isNot, messageSetArguments, { expected, options: givenOptions });
  if ('failed' in args) return args.failed;
  const { options } = args.value;
  const claimed = `the messages ${kind === 'deleted' ? 'deleted at UPDATE' : 'retrieved'} are exactly ${show(expected)}`;
  const sessions = filterSessions(s.records, options);
  const dropped = s.dropped(options);
  const unjudged = unjudgedFilter(name, isNot, claimed, s, options, { sessions, dropped });
  if (unjudged) return unjudged;
  const byNumber = expected.every((e) => typeof e === 'number');
  // An exact set: a dropped session may hold a message more, or one of those expected.
  if (dropped) return cannotTell(name, isNot, claimed, dropped, options);
  const found = sessions.flatMap((r) => r[kind].map((m) => ({ ...m, sessionId: r.id })));
  const key = (m: { number: number; uid: string }) => (byNumber ? m.number : m.uid);
  const actual = unique<number | string>(found.map(key));
  const wanted = unique<number | string>(expected);
  const pass = actual.length === wanted.length && actual.every((a, i) => a === wanted[i]);
  const verb = kind === 'deleted' ? 'deleted at UPDATE' : 'retrieved';
  const unit = byNumber ? 'numbers' : 'UIDs';
  return {
    pass,
    message: () => {
      const by = describeFilter(options);
      const lines = [
        `pop3-mock: expected the messages ${verb} in ${s.what}${by === '' ? '' : ` (${by})`} ${pass ? 'not ' : ''}to be ${unit} ${show(wanted)}, ${pass ? 'and' : 'but'} they were ${show(actual)}.`,
      ];
      if (sessions.length === 0) {
        lines.push(`No session matches; sessions seen: ${listSessions(s.records)}.`);
      }
      for (const r of sessions) {
        const items = r[kind].map((m) => `${m.number} (${m.uid})`).join(', ') || 'none';
        lines.push(`  session ${r.id}: ${items}`);
      }
      if (kind === 'deleted') lines.push(...droppedDeletions(sessions));
      lines.push(...transcriptExcerpt(sessions));
      return `${hint(name)}${lines.join('\n')}`;
    },
  };
}

/** DELE marks that never reached UPDATE, the usual reason for a surprise. */
function droppedDeletions(sessions: readonly ExportableSession[]): string[] {
  const out: string[] = [];
  for (const r of sessions) {
    if (r.endReason === 'quit-update') continue;
    const marked = locateCommands(r).filter((c) => c.verb === 'DELE' && c.reply?.startsWith('+OK'));
    if (marked.length === 0) continue;
    const how = r.endReason === undefined ? `is still open in ${r.state}` : `ended with ${r.endReason}`;
    out.push(
      `  session ${r.id} marked ${marked.map((c) => c.args.join(' ')).join(', ')} with DELE but ${how}: no UPDATE, nothing removed.`,
    );
  }
  return out;
}

function toHaveDeletedMessages(
  this: MatcherThis | undefined,
  received: unknown,
  expected: readonly number[] | readonly string[],
  options: SessionFilter = {},
): Pop3MatcherResult {
  return messageSet('toHaveDeletedMessages', 'deleted', received, expected, options, this?.isNot === true);
}

function toHaveRetrievedMessages(
  this: MatcherThis | undefined,
  received: unknown,
  expected: readonly number[] | readonly string[],
  options: SessionFilter = {},
): Pop3MatcherResult {
  return messageSet(
    'toHaveRetrievedMessages',
    'retrieved',
    received,
    expected,
    options,
    this?.isNot === true,
  );
}

function toHaveEndedWith(
  this: MatcherThis | undefined,
  received: unknown,
  reason: EndReason,
  givenOptions: SessionFilter = {},
): Pop3MatcherResult {
  const name = 'toHaveEndedWith';
  const isNot = this?.isNot === true;
  const s = sessionsOf(received);
  if ('error' in s) return badExpectation(name, isNot, s.error);
  const args = checkArguments(name, isNot, endedWithArguments, { reason, options: givenOptions });
  if ('failed' in args) return args.failed;
  const { options } = args.value;
  const claim = `the last session${options.user === undefined ? '' : ` of user ${JSON.stringify(options.user)}`} ended with ${reason}`;
  const sessions = filterSessions(s.records, options);
  const dropped = s.dropped(options);
  const unjudged = unjudgedFilter(name, isNot, claim, s, options, { sessions, dropped });
  if (unjudged) return unjudged;
  const target = sessions.at(-1);
  // The last session may be a dropped one: it began after the last one kept.
  if (dropped && (target === undefined || dropped.lastId > target.id))
    return cannotTell(name, isNot, claim, dropped, options);
  const pass = target?.endReason === reason;
  return {
    pass,
    message: () => {
      const by = describeFilter(options);
      const lines: string[] = [];
      if (!target) {
        lines.push(
          `pop3-mock: expected a session${by === '' ? '' : ` (${by})`} to have ended with ${reason}, but there is none; sessions seen: ${listSessions(s.records)}.`,
        );
      } else {
        const actual =
          target.endReason === undefined
            ? `it has not ended (state ${target.state})`
            : `it ended with ${target.endReason}`;
        lines.push(
          `pop3-mock: expected session ${target.id} ${pass ? 'not ' : ''}to have ended with ${reason}, ${pass ? 'and' : 'but'} ${actual}.`,
        );
      }
      lines.push(...transcriptExcerpt(target ? [target] : []));
      return `${hint(name, 'reason')}${lines.join('\n')}`;
    },
  };
}

function unique<T extends number | string>(items: readonly T[]): T[] {
  return [...new Set(items)].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}

function show(items: readonly (number | string)[]): string {
  return `[${items.map((i) => (typeof i === 'number' ? String(i) : JSON.stringify(i))).join(', ')}]`;
}

/** The matchers for `expect.extend(pop3Matchers)`, in jest and vitest alike. */
export const pop3Matchers = {
  toHaveReceivedCommand,
  toHaveReceivedCommands,
  toHaveDeletedMessages,
  toHaveRetrievedMessages,
  toHaveEndedWith,
  toHaveRefusedTls,
  toHaveTlsFailure,
} satisfies {
  [K in keyof Pop3Matchers]: (received: unknown, ...args: Parameters<Pop3Matchers[K]>) => Pop3MatcherResult;
};
