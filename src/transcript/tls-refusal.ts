import { isClientRefusal } from '../tls-causes';
import type {
  Pop3Event,
  PresentedCertificate,
  TlsCertificateMode,
  TlsFailureCause,
  TlsRefusalCause,
} from '../vocabulary';
import { printedCommand } from './pattern';
import { redactDroppedLine } from './redact';

/** Commands that carry credentials: none of them may arrive before TLS when a client requires it. */
export const CREDENTIAL_VERBS: ReadonlySet<string> = new Set(['USER', 'PASS', 'APOP', 'AUTH']);

/**
 * A TLS handshake (implicit or after STLS) that did not complete, whoever
 * caused it: a client's refusal, or a failure no client caused (a port
 * probe, bytes that are not TLS, the server's own end). See docs/TLS.md.
 */
export interface TlsFailure {
  /** Implicit TLS (POP3S) or STLS. */
  readonly mode: 'implicit' | 'stls';
  /** What ended it: the client's alert or `no-alert` (a refusal), or a `TlsNonRefusalCause`. */
  readonly cause: TlsFailureCause;
  /** Whether the client refused (an alert, or its close mid-handshake); false for a `TlsNonRefusalCause`. */
  readonly refused: boolean;
  /** Node's error code and OpenSSL's reason; empty when the client just closed. */
  readonly code: string;
  readonly reason: string;
  readonly at: number;
}

/** Whether a client should refuse this certificate (every generated mode but `valid`). */
export function isBrokenCertificate(
  certificate: PresentedCertificate | undefined,
): certificate is Exclude<TlsCertificateMode, 'valid'> {
  return certificate !== undefined && certificate !== 'valid' && certificate !== 'own';
}

/** A session whose client would not go on with TLS, and what it sent in plaintext around that. */
export interface TlsRefusal {
  /** Implicit TLS (POP3S) or STLS. */
  readonly mode: 'implicit' | 'stls';
  /**
   * `handshake`: the handshake did not complete. `after-handshake`: it did,
   * then the client closed without sending a command, under a certificate a
   * client should refuse (clients that check the host name after the
   * handshake, as curl does, refuse this way).
   */
  readonly stage: 'handshake' | 'after-handshake';
  /**
   * The alert the client sent (`unknown_ca`, `certificate_expired`, ...) or
   * `no-alert`. A failure no client caused is no refusal: see {@link TlsFailure}.
   */
  readonly cause: TlsRefusalCause;
  /** Node's error code and OpenSSL's reason; empty when the client just closed. */
  readonly code: string;
  readonly reason: string;
  readonly at: number;
  /** Commands received in plaintext before the refusal (`CAPA`, `STLS`, ...), secrets masked. */
  readonly commandsBefore: readonly string[];
  /** Commands received after it on the same connection, secrets masked (normally none: the server closes). */
  readonly commandsAfter: readonly string[];
  /**
   * Whether USER, PASS, APOP or AUTH arrived in plaintext, before or after:
   * as commands, or as lines dropped unread (pipelined after STLS, or sent
   * instead of the handshake).
   */
  readonly credentialsInPlaintext: boolean;
}

/**
 * The client's refusal of TLS a session's events show, if any: a failed
 * handshake with a client's cause (an alert, `no-alert`), or a close right
 * after a completed handshake under a broken certificate.
 * `secrets` prints PASS and the like as sent.
 */
export function tlsRefusalOf(events: readonly Pop3Event[], secrets = false): TlsRefusal | undefined {
  const failed = events.findIndex((e) => e.type === 'tls-failed');
  const found = failed === -1 ? closedAfterHandshake(events) : failed;
  if (found === undefined) return undefined;
  const event = events[found]!;
  // A failure no client caused is no refusal.
  if (event.type === 'tls-failed' && !isClientRefusal(event.cause)) return undefined;
  const commands = (from: number, to: number) =>
    events.slice(from, to).flatMap((e) => (e.type === 'command' ? [e] : []));
  // TLS starts at `found`: everything before it came in plaintext.
  const plaintext = commands(0, found);
  const after = failed === -1 ? [] : commands(found + 1, events.length);
  // Lines too long to be read went over the wire all the same: in plaintext before TLS, and after a failed handshake.
  const unread = [...events.slice(0, found), ...(failed === -1 ? [] : events.slice(found + 1))];
  const print = (list: typeof plaintext) => list.map((c) => printedCommand(c, secrets));
  const base = {
    at: event.at,
    commandsBefore: print(plaintext),
    commandsAfter: print(after),
    credentialsInPlaintext:
      [...plaintext, ...after].some((c) => CREDENTIAL_VERBS.has(c.verb)) ||
      events.some((e) => e.type === 'plaintext-dropped' && carriesCredentials(e.raw)) ||
      unread.some((e) => e.type === 'line-too-long' && carriesCredentials(e.raw)),
  };
  if (event.type === 'tls-failed' && isClientRefusal(event.cause)) {
    const { mode, cause, code, reason } = event;
    return { mode, stage: 'handshake', cause, code, reason, ...base };
  }
  const mode = event.type === 'tls' ? event.mode : 'implicit';
  return { mode, stage: 'after-handshake', cause: 'no-alert', code: '', reason: '', ...base };
}

/** The TLS handshake of a session that did not complete, whoever caused it; undefined when none failed. */
export function tlsFailureOf(events: readonly Pop3Event[]): TlsFailure | undefined {
  const event = events.find((e) => e.type === 'tls-failed');
  if (event?.type !== 'tls-failed') return undefined;
  const { mode, cause, code, reason, at } = event;
  return { mode, cause, refused: isClientRefusal(cause), code, reason, at };
}

/**
 * The index of the `tls` event of a session the client closed after the
 * handshake without a single command under TLS, when the certificate was
 * one a client should refuse; undefined otherwise. Under `valid` or the
 * user's own certificate such a close is a client that had nothing to ask.
 */
function closedAfterHandshake(events: readonly Pop3Event[]): number | undefined {
  const tls = events.findIndex((e) => e.type === 'tls');
  if (tls === -1) return undefined;
  const event = events[tls]!;
  if (event.type !== 'tls' || !isBrokenCertificate(event.certificate)) return undefined;
  const end = events.at(-1);
  if (end?.type !== 'session-end' || end.reason !== 'client-closed') return undefined;
  const later = events.slice(tls + 1);
  // A line too long to be read is no command, but the client sent it under TLS: it went on.
  return later.some((e) => e.type === 'command' || e.type === 'sasl-response' || e.type === 'line-too-long')
    ? undefined
    : tls;
}

/** A session that went on under a certificate a client should have refused: what, and the first command it sent. */
export interface AcceptedCertificate {
  readonly certificate: Exclude<TlsCertificateMode, 'valid'>;
  readonly mode: 'implicit' | 'stls';
  /** The first command sent over that TLS (or line too long to be read), secrets masked. */
  readonly command: string;
}

/** Whether the session completed a handshake under a broken certificate and then sent a command over it. */
export function acceptedBrokenCertificate(events: readonly Pop3Event[]): AcceptedCertificate | undefined {
  const tls = events.findIndex((e) => e.type === 'tls');
  const event = events[tls];
  if (event?.type !== 'tls' || !isBrokenCertificate(event.certificate)) return undefined;
  const sent = events
    .slice(tls + 1)
    .find(
      (e): e is Extract<Pop3Event, { type: 'command' | 'line-too-long' }> =>
        e.type === 'command' || e.type === 'line-too-long',
    );
  if (sent === undefined) return undefined;
  const command = sent.type === 'command' ? printedCommand(sent) : unreadLine(sent);
  return { certificate: event.certificate, mode: event.mode, command };
}

/** A line too long to be read, as the matchers print it: its start, masked, and why it was not read. */
function unreadLine(event: { readonly raw: string; readonly limit: number }): string {
  return `${redactDroppedLine(event.raw)}... (not read: longer than the ${event.limit}-octet limit)`;
}

/** Whether a raw line starts with USER, PASS, APOP or AUTH (any case, after blanks, as redaction reads it). */
function carriesCredentials(raw: string): boolean {
  return CREDENTIAL_VERBS.has(raw.trimStart().split(/[ \t]/, 1)[0]!.toUpperCase());
}

/**
 * USER, PASS, APOP and AUTH lines a session received before TLS was up (all
 * of them without TLS), masked: commands, lines dropped unread around STLS
 * or instead of a handshake, and lines too long to be read (these named as such).
 */
export function plaintextCredentials(events: readonly Pop3Event[]): string[] {
  const tls = events.findIndex((e) => e.type === 'tls');
  const plaintext = tls === -1 ? events : events.slice(0, tls);
  return plaintext.flatMap((e) => {
    if (e.type === 'command') return CREDENTIAL_VERBS.has(e.verb) ? [printedCommand(e)] : [];
    if (e.type === 'plaintext-dropped' && carriesCredentials(e.raw))
      return [`${redactDroppedLine(e.raw)} (dropped unread: ${e.cause})`];
    if (e.type === 'line-too-long' && carriesCredentials(e.raw)) return [unreadLine(e)];
    return [];
  });
}
