import { tlsArguments } from '../schema/matcher-arguments';
import { isClientRefusal } from '../tls-causes';
import type { ExportableSession } from '../transcript/json-export';
import { filterSessions, listSessions, type SessionFilter } from '../transcript/query';
import type { DroppedSessions } from '../transcript/retention';
import {
  acceptedBrokenCertificate,
  plaintextCredentials,
  type TlsFailure,
  tlsFailureOf,
  tlsRefusalOf,
} from '../transcript/tls-refusal';
import { droppedNote, transcriptExcerpt } from '../transcript/verify';
import type { TlsFailureCause, TlsNonRefusalCause, TlsRefusalCause } from '../vocabulary';
import {
  badExpectation,
  cannotTell,
  checkArguments,
  hint,
  type MatcherThis,
  type Pop3MatcherResult,
  type Sessions,
  sessionsOf,
  unjudgedFilter,
} from './matcher-support';

/*
 * Two questions about TLS, two matchers: did a client refuse it
 * (`toHaveRefusedTls`), and did a handshake fail, whoever caused it
 * (`toHaveTlsFailure`). A failure no client caused (a port probe, bytes that
 * are not TLS, the server's own end) is no refusal: asked of the refusal
 * matcher, it is a compile error, and at run time a failure in both forms,
 * each naming the matcher to ask.
 */

/** The text a compile error shows for a cause where no client refused: the matcher to ask instead. */
export type NoRefusal<C extends string> = `'${C}' is no refusal: ask toHaveTlsFailure({ cause: '${C}' })`;

/** `C` for a client's refusal; for a cause where no client refused, {@link NoRefusal}. */
export type RefusalCauseOf<C extends TlsFailureCause> = C extends TlsNonRefusalCause ? NoRefusal<C> : C;

/**
 * What `toHaveRefusedTls` looks for. `C` is inferred from the call: a cause
 * where no client refused makes the argument a compile error that names
 * `toHaveTlsFailure`.
 */
export interface TlsRefusalExpectation<C extends TlsFailureCause = TlsRefusalCause> {
  /**
   * The refusal's cause: the client's alert (`'unknown_ca'`) or `'no-alert'`;
   * any of a list. A cause where no client refused (`'no-handshake'`,
   * `'not-tls'`, `'server-error'`, `'server-ended'`) is no refusal: ask
   * `toHaveTlsFailure` for it.
   */
  cause?: RefusalCauseOf<C> | readonly RefusalCauseOf<C>[];
  /** Only this session. */
  sessionId?: number;
}

/** What `toHaveTlsFailure` looks for. */
export interface TlsFailureExpectation {
  /** What ended the handshake (any of a list): a client's refusal, or a cause where no client refused. */
  cause?: TlsFailureCause | readonly TlsFailureCause[];
  /** Only this session. */
  sessionId?: number;
}

/** What a TLS matcher reads: the sessions `sessionId` selects, with the causes asked for. */
interface Read {
  readonly s: Extract<Sessions, { records: unknown }>;
  readonly sessions: ExportableSession[];
  readonly dropped: DroppedSessions | undefined;
  readonly filter: SessionFilter;
  readonly causes: readonly TlsFailureCause[] | undefined;
}

/** The received sessions and the expectation, or the answer when the matcher cannot read them. */
function readArguments(
  name: string,
  isNot: boolean,
  received: unknown,
  expected: unknown,
  /** What the matcher asks of a session, for a filter that can match none: `refused TLS`. */
  asked: string,
): Read | Pop3MatcherResult {
  const s = sessionsOf(received);
  if ('error' in s) return badExpectation(name, isNot, s.error);
  const args = checkArguments(name, isNot, tlsArguments, { options: expected ?? {} });
  if ('failed' in args) return args.failed;
  const { cause, sessionId } = args.value.options;
  const filter = { sessionId };
  const causes = cause === undefined ? undefined : Array.isArray(cause) ? cause : [cause];
  const sessions = filterSessions(s.records, filter);
  const dropped = s.dropped(filter);
  const unjudged = unjudgedFilter(name, isNot, `session ${sessionId} ${asked}`, s, filter, {
    sessions,
    dropped,
  });
  if (unjudged) return unjudged;
  return { s, sessions, dropped, filter, causes };
}

/** One session's failure as a message line. */
function failureLine(id: number, failure: TlsFailure): string {
  const whose = failure.refused ? 'a client refusal' : 'no client refusal';
  const reason = failure.reason === '' ? '' : `; ${failure.reason}`;
  return `  session ${id}: ${failure.mode} TLS handshake failed: ${failure.cause} (${whose}${reason})`;
}

/** `toHaveRefusedTls`: see `Pop3Matchers`. */
export function toHaveRefusedTls(
  this: MatcherThis | undefined,
  received: unknown,
  expected?: { cause?: unknown; sessionId?: number },
): Pop3MatcherResult {
  const name = 'toHaveRefusedTls';
  const isNot = this?.isNot === true;
  const read = readArguments(name, isNot, received, expected, 'refused TLS');
  if ('pass' in read) return read;
  const { s, sessions, dropped, filter, causes } = read;
  const notRefusal = causes?.find((c) => !isClientRefusal(c));
  if (notRefusal !== undefined) {
    return badExpectation(
      name,
      isNot,
      `pop3-mock: '${notRefusal}' is no refusal: in such a failure no client refused anything (docs/TLS.md, "What is not a refusal"). Ask whether it happened with toHaveTlsFailure({ cause: '${notRefusal}' }).`,
    );
  }
  const refusals = sessions.flatMap((r) => {
    const refusal = tlsRefusalOf(r.events);
    return refusal ? [{ id: r.id, refusal }] : [];
  });
  const fitting = refusals.filter(({ refusal }) => causes === undefined || causes.includes(refusal.cause));
  // Failures that are no refusal, named so that a reader knows where to ask.
  const others = sessions.flatMap((r) => {
    const failure = tlsFailureOf(r.events);
    return failure && !failure.refused ? [failureLine(r.id, failure)] : [];
  });
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
  if (dropped && leaks.length === 0 && accepted.length === 0) {
    const claim = 'a session refused TLS and none sent credentials in plaintext';
    return cannotTell(name, isNot, claim, dropped, filter);
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
        lines.push(
          `  session ${id}: ${refusal.mode} TLS refused at ${refusal.stage}: ${refusal.cause}${reason}`,
        );
      }
      if (others.length > 0)
        lines.push('TLS failures that are no refusal (toHaveTlsFailure asks for them):', ...others);
      if (leaks.length > 0) lines.push('Credentials sent in plaintext:', ...leaks.map((l) => `  ${l}`));
      if (accepted.length > 0) lines.push('Broken certificate accepted:', ...accepted.map((l) => `  ${l}`));
      lines.push(...transcriptExcerpt(sessions));
      return `${hint(name, causes ? '{ cause }' : '')}${lines.join('\n')}`;
    },
  };
}

/** `toHaveTlsFailure`: see `Pop3Matchers`. */
export function toHaveTlsFailure(
  this: MatcherThis | undefined,
  received: unknown,
  expected?: TlsFailureExpectation,
): Pop3MatcherResult {
  const name = 'toHaveTlsFailure';
  const isNot = this?.isNot === true;
  const read = readArguments(name, isNot, received, expected, 'failed a TLS handshake');
  if ('pass' in read) return read;
  const { s, sessions, dropped, filter, causes } = read;
  const failures = sessions.flatMap((r) => {
    const failure = tlsFailureOf(r.events);
    return failure ? [{ id: r.id, failure }] : [];
  });
  const pass = failures.some(({ failure }) => causes === undefined || causes.includes(failure.cause));
  const wanted = causes ? ` with ${causes.join(' or ')}` : '';
  // A failure found in a kept session holds; "none" may be wrong about a dropped one.
  if (dropped && !pass && isNot) {
    return cannotTell(name, true, `no TLS handshake failed${wanted}`, dropped, filter);
  }
  return {
    pass,
    message: () => {
      const lines = [
        `pop3-mock: expected ${s.what} ${pass ? 'not ' : ''}to show a TLS handshake that failed${wanted}.`,
      ];
      if (failures.length === 0)
        lines.push(`No TLS handshake failed; sessions seen: ${listSessions(sessions)}.`);
      for (const { id, failure } of failures) lines.push(failureLine(id, failure));
      // A failure may be in a session no longer kept: say which were not looked at.
      if (!pass) lines.push(...droppedNote(dropped, filter));
      lines.push(...transcriptExcerpt(sessions));
      return `${hint(name, causes ? '{ cause }' : '')}${lines.join('\n')}`;
    },
  };
}
