import type { ExportableSession } from '../transcript/json-export';
import { type CommandPattern, describePattern, locateCommands } from '../transcript/pattern';
import { describeFilter, filterSessions, listSessions, type SessionFilter } from '../transcript/query';
import { type DroppedSessions, describeDropped } from '../transcript/retention';
import {
  acceptedBrokenCertificate,
  isClientRefusal,
  plaintextCredentials,
  tlsFailureOf,
} from '../transcript/tls-refusal';
import {
  CANNOT_TELL_HINT,
  checkReceived,
  checkSequence,
  transcriptExcerpt,
  type VerifyOptions,
} from '../transcript/verify';
import type { EndReason, TlsFailureCause } from '../vocabulary';

/** What a matcher returns to `expect`: jest and vitest take the same shape. */
export interface Pop3MatcherResult {
  pass: boolean;
  message: () => string;
}

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
 * no word of what was dropped: pass the server for that.
 */
export interface Pop3Matchers<R = unknown> {
  /** The command was received: at least once, or `times` times. Patterns as in `pop3.verify()`. */
  toHaveReceivedCommand(pattern: CommandPattern, options?: VerifyOptions): R;
  /** These commands were received in this order, others allowed in between. */
  toHaveReceivedCommands(patterns: readonly CommandPattern[], options?: SessionFilter): R;
  /**
   * Exactly these messages were removed at UPDATE: message numbers (as the
   * sessions numbered them) or UIDs. Order and repeats do not matter.
   */
  toHaveDeletedMessages(expected: readonly number[] | readonly string[], options?: SessionFilter): R;
  /** Exactly these messages were RETRieved (numbers or UIDs; order and repeats do not matter). */
  toHaveRetrievedMessages(expected: readonly number[] | readonly string[], options?: SessionFilter): R;
  /** The session (for a server: the last session, or the last matching `options`) ended this way. */
  toHaveEndedWith(reason: EndReason, options?: SessionFilter): R;
  /**
   * A session refused TLS (the client sent an alert or closed during the
   * handshake, or closed right after it without a command under a broken
   * certificate), with one of `cause` if given (`'unknown_ca'`,
   * `'no-alert'`, ...); no session sent USER, PASS, APOP or AUTH in
   * plaintext (dropped lines around STLS included); and, under a broken
   * `tls.certificate` mode, no session completed the handshake and went on
   * to send commands. Failures no client caused (`no-handshake`, `not-tls`,
   * `server-error`, `server-ended`) count only when asked for by `cause`.
   * "The client refused the certificate and never sent its password". See
   * docs/TLS.md.
   */
  toHaveRefusedTls(options?: TlsRefusalExpectation): R;
}

/** What `toHaveRefusedTls` looks for. */
export interface TlsRefusalExpectation {
  /**
   * The refusal's cause: the client's alert (`'unknown_ca'`) or `'no-alert'`;
   * any of a list. A cause where no client refused (`'no-handshake'`,
   * `'not-tls'`, `'server-error'`, `'server-ended'`) counts only when listed.
   */
  cause?: TlsFailureCause | readonly TlsFailureCause[];
  /** Only this session. */
  sessionId?: number;
}

type Sessions =
  | {
      records: ExportableSession[];
      what: string;
      /** From a server: its dropped sessions (`keepSessions`) a filter selects. */
      dropped: (filter: SessionFilter) => DroppedSessions | undefined;
    }
  | { error: string };

/** What jest and vitest bind `this` to in a matcher: only `isNot` is read. */
interface MatcherThis {
  readonly isNot?: boolean;
}

const noneDropped = () => undefined;

function isRecord(value: unknown): value is ExportableSession {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'number' &&
    Array.isArray(r.events) &&
    Array.isArray(r.retrieved) &&
    Array.isArray(r.deleted) &&
    typeof r.remotePort === 'number'
  );
}

/** Structural checks, not `instanceof`: records from another copy of the package work too. */
function sessionsOf(received: unknown): Sessions {
  if (isRecord(received))
    return { records: [received], what: `session ${received.id}`, dropped: noneDropped };
  if (Array.isArray(received) && received.every(isRecord)) {
    return { records: [...received], what: 'the sessions', dropped: noneDropped };
  }
  if (typeof received === 'object' && received !== null && 'sessions' in received) {
    const server = received as { sessions: unknown; droppedSessions?: unknown };
    const sessions = server.sessions;
    const droppedSessions = server.droppedSessions;
    const dropped =
      typeof droppedSessions === 'function'
        ? ({ user, sessionId }: SessionFilter) =>
            droppedSessions.call(received, {
              ...(user === undefined ? {} : { user }),
              ...(sessionId === undefined ? {} : { sessionId }),
            }) as DroppedSessions | undefined
        : noneDropped;
    if (Array.isArray(sessions) && sessions.every(isRecord))
      return { records: [...sessions], what: 'the server', dropped };
  }
  const shown = received === null ? 'null' : Array.isArray(received) ? 'an array' : typeof received;
  return { error: `expected a Pop3Mock, a SessionRecord or an array of records, received ${shown}` };
}

function hint(name: string, expected = 'expected'): string {
  return `expect(received).${name}(${expected})\n\n`;
}

function typeError(name: string, error: string): Pop3MatcherResult {
  return { pass: false, message: () => `${hint(name)}${error}` };
}

/**
 * A judgement a dropped session could overturn: `expect(...)` and `.not`
 * both fail (pass is `isNot`), and the message says why.
 */
function cannotTell(
  name: string,
  isNot: boolean,
  claim: string,
  dropped: DroppedSessions,
  filter: SessionFilter,
): Pop3MatcherResult {
  const lines = [
    `pop3-mock: cannot tell whether ${claim}: ${describeDropped(dropped, { filter })}, and dropped sessions are not looked at.`,
    CANNOT_TELL_HINT,
  ];
  return { pass: isNot, message: () => `${hint(name)}${lines.join('\n')}` };
}

function toHaveReceivedCommand(
  this: MatcherThis | undefined,
  received: unknown,
  pattern: CommandPattern,
  options: VerifyOptions = {},
): Pop3MatcherResult {
  const name = 'toHaveReceivedCommand';
  const s = sessionsOf(received);
  if ('error' in s) return typeError(name, s.error);
  const result = checkReceived(s.records, pattern, options, s.dropped(options), this?.isNot === true);
  return { pass: result.pass, message: () => `${hint(name, 'pattern')}${result.message}` };
}

function toHaveReceivedCommands(
  this: MatcherThis | undefined,
  received: unknown,
  patterns: readonly CommandPattern[],
  options: SessionFilter = {},
): Pop3MatcherResult {
  const name = 'toHaveReceivedCommands';
  const s = sessionsOf(received);
  if ('error' in s) return typeError(name, s.error);
  if (!Array.isArray(patterns)) return typeError(name, 'expected an array of command patterns');
  const dropped = s.dropped(options);
  const result = checkSequence(s.records, patterns, options, dropped);
  // Found in the kept sessions holds for all of them; not found may be in a dropped one.
  if (dropped && !result.pass && this?.isNot === true) {
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
  options: SessionFilter,
  isNot: boolean,
): Pop3MatcherResult {
  const s = sessionsOf(received);
  if ('error' in s) return typeError(name, s.error);
  if (!Array.isArray(expected)) return typeError(name, 'expected an array of message numbers or UIDs');
  const byNumber = expected.every((e) => typeof e === 'number');
  if (!byNumber && !expected.every((e) => typeof e === 'string')) {
    return typeError(name, 'expected message numbers or UIDs, not a mix of both');
  }
  // An exact set: a dropped session may hold a message more, or one of those expected.
  const dropped = s.dropped(options);
  if (dropped) {
    const claim = `the messages ${kind === 'deleted' ? 'deleted at UPDATE' : 'retrieved'} are exactly ${show(expected)}`;
    return cannotTell(name, isNot, claim, dropped, options);
  }
  const sessions = filterSessions(s.records, options);
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
  options: SessionFilter = {},
): Pop3MatcherResult {
  const name = 'toHaveEndedWith';
  const s = sessionsOf(received);
  if ('error' in s) return typeError(name, s.error);
  const sessions = filterSessions(s.records, options);
  const target = sessions.at(-1);
  // The last session may be a dropped one: it began after the last one kept.
  const dropped = s.dropped(options);
  if (dropped && (target === undefined || dropped.lastId > target.id)) {
    const claim = `the last session${options.user === undefined ? '' : ` of user ${JSON.stringify(options.user)}`} ended with ${reason}`;
    return cannotTell(name, this?.isNot === true, claim, dropped, options);
  }
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

function toHaveRefusedTls(
  this: MatcherThis | undefined,
  received: unknown,
  expected: TlsRefusalExpectation = {},
): Pop3MatcherResult {
  const name = 'toHaveRefusedTls';
  const s = sessionsOf(received);
  if ('error' in s) return typeError(name, s.error);
  const causes = expected.cause === undefined ? undefined : [expected.cause].flat();
  const filter = { sessionId: expected.sessionId };
  const sessions = filterSessions(s.records, filter);
  const refusals = sessions.flatMap((r) => {
    const refusal = tlsFailureOf(r.events);
    return refusal ? [{ id: r.id, refusal }] : [];
  });
  const fitting = refusals.filter(({ refusal }) =>
    causes ? causes.includes(refusal.cause) : isClientRefusal(refusal.cause),
  );
  const leaks = sessions.flatMap((r) => plaintextCredentials(r.events).map((c) => `session ${r.id}: ${c}`));
  // The client under test took a certificate it should have refused.
  const accepted = sessions.flatMap((r) => {
    const a = acceptedBrokenCertificate(r.events);
    return a
      ? [
          `session ${r.id}: completed the ${a.mode} TLS handshake with the ${a.certificate} certificate, then sent ${a.command}`,
        ]
      : [];
  });
  // A leak seen stays a leak; "no leak" and "no refusal" may be wrong about a dropped session.
  const dropped = s.dropped(filter);
  if (dropped && leaks.length === 0 && accepted.length === 0) {
    const claim = 'a session refused TLS and none sent credentials in plaintext';
    return cannotTell(name, this?.isNot === true, claim, dropped, filter);
  }
  const pass = fitting.length > 0 && leaks.length === 0 && accepted.length === 0;
  return {
    pass,
    message: () => {
      const wanted = causes ? ` with ${causes.join(' or ')}` : '';
      const lines = [
        `pop3-mock: expected ${s.what} ${pass ? 'not ' : ''}to show a TLS refusal${wanted}, no credentials in plaintext and no broken certificate accepted.`,
      ];
      if (refusals.length === 0)
        lines.push(`No session refused TLS; sessions seen: ${listSessions(sessions)}.`);
      for (const { id, refusal } of refusals) {
        const reason = refusal.reason === '' ? '' : ` (${refusal.reason})`;
        const whose = isClientRefusal(refusal.cause) ? 'refused' : 'failed, no client refusal';
        lines.push(
          `  session ${id}: ${refusal.mode} TLS ${whose} at ${refusal.stage}: ${refusal.cause}${reason}`,
        );
      }
      if (leaks.length > 0) lines.push('Credentials sent in plaintext:', ...leaks.map((l) => `  ${l}`));
      if (accepted.length > 0) lines.push('Broken certificate accepted:', ...accepted.map((l) => `  ${l}`));
      lines.push(...transcriptExcerpt(sessions));
      return `${hint(name, causes ? '{ cause }' : '')}${lines.join('\n')}`;
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
} satisfies {
  [K in keyof Pop3Matchers]: (received: unknown, ...args: Parameters<Pop3Matchers[K]>) => Pop3MatcherResult;
};
