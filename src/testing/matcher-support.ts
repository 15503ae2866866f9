import type { z } from 'zod';
import { checkInput } from '../schema/check';
import { InputError } from '../schema/input-error';
import type { ExportableSession } from '../transcript/json-export';
import { describeFilter, type SessionFilter, unmatchableFilter } from '../transcript/query';
import { type DroppedSessions, describeDropped } from '../transcript/retention';
import { CANNOT_TELL_HINT } from '../transcript/verify';

/*
 * What every matcher shares: the received value read as sessions, and the
 * shapes of a failure (jest.ts's matchers, tls-matchers.ts's).
 */

/** What a matcher returns to `expect`: jest and vitest take the same shape. */
export interface Pop3MatcherResult {
  pass: boolean;
  message: () => string;
}

export type Sessions =
  | {
      records: ExportableSession[];
      what: string;
      /** From a server: its dropped sessions (`keepSessions`) a filter selects. */
      dropped: (filter: SessionFilter) => DroppedSessions | undefined;
      /** From a server: its users now, so a filter naming a user it never had is told apart (records alone cannot tell). */
      users?: readonly string[];
    }
  | { error: string };

/** What jest and vitest bind `this` to in a matcher: only `isNot` is read. */
export interface MatcherThis {
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
export function sessionsOf(received: unknown): Sessions {
  if (isRecord(received))
    return { records: [received], what: `session ${received.id}`, dropped: noneDropped };
  if (Array.isArray(received) && received.every(isRecord)) {
    return { records: [...received], what: 'the sessions', dropped: noneDropped };
  }
  if (typeof received === 'object' && received !== null && 'sessions' in received) {
    const server = received as { sessions: unknown; droppedSessions?: unknown; users?: unknown };
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
    const listed = typeof server.users === 'function' ? (server.users.call(received) as unknown) : undefined;
    const users = Array.isArray(listed) && listed.every((u) => typeof u === 'string') ? listed : undefined;
    if (Array.isArray(sessions) && sessions.every(isRecord))
      return { records: [...sessions], what: 'the server', dropped, ...(users ? { users } : {}) };
  }
  const shown = received === null ? 'null' : Array.isArray(received) ? 'an array' : typeof received;
  // The remote client's sessions come over the wire: a matcher, which answers at once, cannot fetch them.
  if (typeof (received as { listSessions?: unknown } | null)?.listSessions === 'function') {
    return {
      error:
        'expected a Pop3Mock, a SessionRecord or an array of records, received a remote client: its sessions come over the wire, so pass them (expect(await remote.listSessions()))',
    };
  }
  return { error: `expected a Pop3Mock, a SessionRecord or an array of records, received ${shown}` };
}

export function hint(name: string, expected = 'expected'): string {
  return `expect(received).${name}(${expected})\n\n`;
}

/**
 * A judgement a dropped session could overturn: `expect(...)` and `.not`
 * both fail (pass is `isNot`), and the message says why.
 */
export function cannotTell(
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

/**
 * A filter that can match no session, kept or dropped (a misspelt user, a
 * session that never began): nothing was asked of any session, so
 * `expect(...)` and `.not` both fail, as `toHaveReceivedCommand` does
 * (`unmatchableFilter`). Undefined when the filter names what exists.
 */
export function unjudgedFilter(
  name: string,
  isNot: boolean,
  claim: string,
  s: Extract<Sessions, { records: unknown }>,
  filter: SessionFilter,
  /** What the filter selected: the sessions kept, and the dropped ones. */
  selected: { sessions: readonly unknown[]; dropped: DroppedSessions | undefined },
): Pop3MatcherResult | undefined {
  if (selected.sessions.length > 0 || selected.dropped !== undefined) return undefined;
  const why = unmatchableFilter(s.records, filter, s.users);
  if (why === undefined) return undefined;
  const message = `pop3-mock: cannot tell whether ${claim}: ${why}, so no session can match ${describeFilter(filter)}.`;
  return { pass: isNot, message: () => `${hint(name)}${message}` };
}

/**
 * The matcher was given something it cannot read (no server or record, an
 * option that is no option, a cause that is none): it judged nothing, so
 * `expect(...)` and `.not` both fail (pass is `isNot`), and the message says
 * what was expected.
 */
export function badExpectation(name: string, isNot: boolean, text: string): Pop3MatcherResult {
  return { pass: isNot, message: () => `${hint(name)}${text}` };
}

/** A matcher's arguments as their schema gave them back, or the failure it returns when it cannot read them. */
export type CheckedArguments<T> = { readonly value: T } | { readonly failed: Pop3MatcherResult };

/**
 * Checks a matcher's arguments (after the received value, as one object) against
 * their schema (src/schema/matcher-arguments.ts, built on the API's own): a
 * misspelt option, reason or cause fails `expect(...)` and `.not` alike,
 * naming the path and what was expected.
 */
export function checkArguments<S extends z.ZodType>(
  name: string,
  isNot: boolean,
  schema: S,
  args: z.input<S>,
): CheckedArguments<z.output<S>> {
  try {
    return { value: checkInput(schema, args, { source: `${name}()` }) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { failed: badExpectation(name, isNot, `pop3-mock: ${error.message}.`) };
  }
}
