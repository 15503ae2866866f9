import type { Pop3Event, TlsFailureCause } from '../vocabulary';
import { printedCommand } from './pattern';

/** Commands that carry credentials: none of them may arrive before TLS when a client requires it. */
export const CREDENTIAL_VERBS: ReadonlySet<string> = new Set(['USER', 'PASS', 'APOP', 'AUTH']);

/** A session whose client would not go on with TLS, and what it sent in plaintext around that. */
export interface TlsRefusal {
  /** Implicit TLS (POP3S) or STLS. */
  readonly mode: 'implicit' | 'stls';
  /**
   * `handshake`: the handshake did not complete. `after-handshake`: it did,
   * then the client closed without sending a command (clients that check the
   * host name after the handshake, as curl does, refuse this way).
   */
  readonly stage: 'handshake' | 'after-handshake';
  /** The alert the client sent (`unknown_ca`, `certificate_expired`, ...), `no-alert`, or `server-error`. */
  readonly cause: TlsFailureCause;
  /** Node's error code and OpenSSL's reason; empty when the client just closed. */
  readonly code: string;
  readonly reason: string;
  readonly at: number;
  /** Commands received in plaintext before the refusal (`CAPA`, `STLS`, ...), secrets masked. */
  readonly commandsBefore: readonly string[];
  /** Commands received after it on the same connection, secrets masked (normally none: the server closes). */
  readonly commandsAfter: readonly string[];
  /** Whether USER, PASS, APOP or AUTH arrived in plaintext, before or after. */
  readonly credentialsInPlaintext: boolean;
}

/** The refusal a session's events show, if any; `secrets` prints PASS and the like as sent. */
export function tlsRefusalOf(events: readonly Pop3Event[], secrets = false): TlsRefusal | undefined {
  const failed = events.findIndex((e) => e.type === 'tls-failed');
  const found = failed === -1 ? closedAfterHandshake(events) : failed;
  if (found === undefined || found === -1) return undefined;
  const event = events[found]!;
  const commands = (from: number, to: number) =>
    events.slice(from, to).flatMap((e) => (e.type === 'command' ? [e] : []));
  const before = commands(0, found);
  const after = failed === -1 ? [] : commands(found + 1, events.length);
  // TLS starts at `found`: everything before it came in plaintext.
  const plaintext = before;
  const print = (list: typeof before) => list.map((c) => printedCommand(c, secrets));
  const base = {
    at: event.at,
    commandsBefore: print(plaintext),
    commandsAfter: print(after),
    credentialsInPlaintext: [...plaintext, ...after].some((c) => CREDENTIAL_VERBS.has(c.verb)),
  };
  if (event.type === 'tls-failed') {
    const { mode, cause, code, reason } = event;
    return { mode, stage: 'handshake', cause, code, reason, ...base };
  }
  const mode = event.type === 'tls' ? event.mode : 'implicit';
  return { mode, stage: 'after-handshake', cause: 'no-alert', code: '', reason: '', ...base };
}

/**
 * The index of the `tls` event of a session the client closed after the
 * handshake without a single command under TLS; undefined otherwise.
 */
function closedAfterHandshake(events: readonly Pop3Event[]): number | undefined {
  const tls = events.findIndex((e) => e.type === 'tls');
  if (tls === -1) return undefined;
  const end = events.at(-1);
  if (end?.type !== 'session-end' || end.reason !== 'client-closed') return undefined;
  const later = events.slice(tls + 1);
  return later.some((e) => e.type === 'command' || e.type === 'sasl-response') ? undefined : tls;
}

/** USER, PASS, APOP and AUTH lines a session received before TLS was up (all of them without TLS), masked. */
export function plaintextCredentials(events: readonly Pop3Event[]): string[] {
  const tls = events.findIndex((e) => e.type === 'tls');
  const plaintext = tls === -1 ? events : events.slice(0, tls);
  return plaintext.flatMap((e) =>
    e.type === 'command' && CREDENTIAL_VERBS.has(e.verb) ? [printedCommand(e)] : [],
  );
}
