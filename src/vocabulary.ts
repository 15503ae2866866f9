/**
 * The words every room of the server shares: session states, lock and TLS
 * modes, why a session ended, the events a session reports and the commands
 * it recorded. Plain types, and the list of event types a check needs at run
 * time; importing nothing from the project, so any room may use them without
 * depending on another room.
 */

/** RFC 1939 §3 session states. */
export type SessionState = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

/** How a reply starts: `+` is a SASL continuation. */
export type ReplyStatus = '+OK' | '-ERR' | '+';

/** Whether a second session may open a maildrop that is in use. */
export type LockMode = 'exclusive' | 'none';

/** How the connection is protected. */
export type TlsMode = 'none' | 'implicit' | 'stls';

/**
 * Which certificate a server presents (`tls.certificate`): `valid`, or one
 * broken in one way, so a test can check that its client refuses it.
 */
export type TlsCertificateMode =
  /** Signed by the exposed CA (`pop3.tls.ca`), for localhost, 127.0.0.1 and ::1. */
  | 'valid'
  /** As `valid`, but its validity ended yesterday. */
  | 'expired'
  /** As `valid`, but its validity starts ten years after it was made (it stays not yet valid while the process runs). */
  | 'not-yet-valid'
  /** Signed by the exposed CA, for another host name only. */
  | 'wrong-host'
  /** Signed by its own key, not chained to the exposed CA. */
  | 'self-signed'
  /** Chained to a second CA that is not the exposed one. */
  | 'untrusted-ca';

/** The certificate a server presents: a generated one (`tls.certificate`), or the user's own (`tls.key`/`cert`). */
export type PresentedCertificate = TlsCertificateMode | 'own';

/** TLS protocol versions, as Node names them. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** TLS alerts (RFC 8446 §6, with the TLS 1.0–1.2 ones OpenSSL still reports), as the RFC names them. */
export type TlsAlertName =
  | 'close_notify'
  | 'unexpected_message'
  | 'bad_record_mac'
  | 'decryption_failed'
  | 'record_overflow'
  | 'handshake_failure'
  | 'bad_certificate'
  | 'unsupported_certificate'
  | 'certificate_revoked'
  | 'certificate_expired'
  | 'certificate_unknown'
  | 'illegal_parameter'
  | 'unknown_ca'
  | 'access_denied'
  | 'decode_error'
  | 'decrypt_error'
  | 'protocol_version'
  | 'insufficient_security'
  | 'internal_error'
  | 'inappropriate_fallback'
  | 'user_canceled'
  | 'no_renegotiation'
  | 'missing_extension'
  | 'unsupported_extension'
  | 'unrecognized_name'
  | 'bad_certificate_status_response'
  | 'unknown_psk_identity'
  | 'certificate_required'
  | 'no_application_protocol';

/**
 * Why a TLS handshake did not complete when the client did not refuse it:
 * `server-error`, the server gave up on a ClientHello it could not accept (no
 * protocol version or cipher in common); `no-handshake`, the client sent no
 * byte before it closed (a port probe); `not-tls`, its first bytes were not a
 * TLS handshake record (first byte not 0x16: POP3 lines, HTTP); `server-ended`,
 * the server ended the session first (`close()`, autologout, a fault).
 */
export type TlsNonRefusalCause = 'server-error' | 'no-handshake' | 'not-tls' | 'server-ended';

/**
 * A client's refusal of TLS: the alert it sent, or `no-alert` when it closed
 * (or reset) during the handshake without one.
 */
export type TlsRefusalCause = TlsAlertName | 'no-alert';

/**
 * What ended a TLS handshake that did not complete, as the server saw it: a
 * client's refusal ({@link TlsRefusalCause}), or one of
 * {@link TlsNonRefusalCause}, where no client refused anything.
 */
export type TlsFailureCause = TlsRefusalCause | TlsNonRefusalCause;

/** Why plaintext lines were dropped unread around STLS or implicit TLS (CVE-2011-0411 class). */
export type PlaintextDroppedCause =
  /** Pipelined after STLS, before the handshake: never run as commands (RFC 2595 §4). */
  | 'after-stls'
  /** Sent where the TLS handshake should have begun (after STLS's +OK, or on the POP3S port). */
  | 'instead-of-handshake';

/** How a session ended. */
export type EndReason =
  /** QUIT in TRANSACTION: UPDATE ran and deletions were applied. */
  | 'quit-update'
  /** QUIT in AUTHORIZATION: nothing to apply. */
  | 'quit-authorization'
  /** The client closed or reset the connection without QUIT. */
  | 'client-closed'
  /** The server closed it: shutdown, too many bad commands, over-long line, an internal error. */
  | 'server-closed'
  /** The autologout timer fired (RFC 1939 §3). */
  | 'autologout'
  /** A fault rule closed or reset the connection. */
  | 'fault'
  /** Turned away at connect with an `-ERR` greeting: `maxSessions` were open. */
  | 'refused';

/**
 * The names of the fault actions (`FaultAction['type']` in `faults/rule.ts`,
 * which the fault runner checks against this list when it reports a fault).
 */
export type FaultActionType =
  | 'reply'
  | 'delay'
  | 'hang'
  | 'close'
  | 'reset'
  | 'close-after-bytes'
  | 'reset-after-bytes'
  | 'garbage'
  | 'throttle'
  | 'fragment'
  | 'stall'
  | 'no-terminator'
  | 'stls-handshake-failure'
  | 'inject-after-reply'
  | 'size-skew'
  | 'no-dot-stuffing'
  | 'bare-lf'
  | 'uidl'
  | 'top-ignores-count'
  | 'renumber-after-dele';

interface EventBase {
  readonly sessionId: number;
  /** Milliseconds since the epoch, from the server's clock. */
  readonly at: number;
}

/** Everything a session reports, in order. The transcript and the event emitter read these. */
export type Pop3Event =
  | (EventBase & {
      readonly type: 'session-start';
      readonly remoteAddress: string;
      readonly remotePort: number;
      readonly tls: TlsMode;
    })
  | (EventBase & {
      readonly type: 'command';
      readonly verb: string;
      readonly args: readonly string[];
      /** The line as received, without CRLF. Holds secrets: print it only through redaction. */
      readonly raw: string;
      readonly state: SessionState;
    })
  | (EventBase & {
      readonly type: 'reply';
      readonly status: ReplyStatus;
      /** The first line without CRLF. */
      readonly line: string;
      /**
       * Octets of the reply the socket took: all of them, or those before
       * the cut of a reply cut short (`closeAfterBytes(n)`, the client gone
       * mid-reply; the `fault` event or the session's end follows it). Lines a
       * fault injects after the reply (`injectAfterReply`) are not counted:
       * its `fault` event names them. A reply of which no octet reached the
       * socket is a `reply-unsent` event instead.
       */
      readonly bytes: number;
      /**
       * Present only when the reply was cut short: the octets the whole reply
       * had, of which `bytes` went out (`bytes < wholeBytes`). A number, not a
       * flag, so the transcript can tell which part of the reply reached the
       * client (the first line, data octets, the `.` terminator or none of it).
       */
      readonly wholeBytes?: number;
    })
  | (EventBase & {
      /**
       * A reply the server meant to send of which no octet reached the
       * socket: the connection was waiting for the client's TLS handshake
       * (after STLS's `+OK`, or on the POP3S port) and writes nothing then,
       * it was closed already, or a fault cut the reply before its first
       * octet (`closeAfterBytes(0)`). Never a `reply`: the client got none of it.
       */
      readonly type: 'reply-unsent';
      readonly status: ReplyStatus;
      /** The first line without CRLF. */
      readonly line: string;
    })
  | (EventBase & {
      readonly type: 'auth';
      readonly user: string;
      readonly mechanism: string;
      readonly result: 'ok' | 'failed' | 'in-use';
    })
  | (EventBase & {
      readonly type: 'sasl-response';
      readonly mechanism: string;
      /** The client's line during an AUTH exchange. A secret: print it only through redaction. */
      readonly raw: string;
    })
  | (EventBase & { readonly type: 'state'; readonly from: SessionState; readonly to: SessionState })
  | (EventBase & {
      /** The TLS handshake completed. */
      readonly type: 'tls';
      readonly mode: 'implicit' | 'stls';
      /** The certificate the server presented in it. */
      readonly certificate: PresentedCertificate;
    })
  | (EventBase & {
      /** The TLS handshake (implicit or after STLS) did not complete; the connection closes. */
      readonly type: 'tls-failed';
      readonly mode: 'implicit' | 'stls';
      readonly cause: TlsFailureCause;
      /** Node's error code (`ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`); empty when the client just closed. */
      readonly code: string;
      /** OpenSSL's reason (`tlsv1 alert unknown ca`); empty when the client just closed. */
      readonly reason: string;
    })
  | (EventBase & {
      /**
       * A plaintext line the server dropped unread: pipelined after STLS, or
       * sent instead of the TLS handshake. Never run as a command. Holds
       * secrets (`PASS secret`): print it only through redaction.
       */
      readonly type: 'plaintext-dropped';
      readonly raw: string;
      readonly cause: PlaintextDroppedCause;
    })
  | (EventBase & {
      /**
       * A line longer than the session's limit, refused with `-ERR` and never
       * read: not a command. Holds secrets (`PASS` and a long password, a SASL
       * response): print it only through redaction.
       */
      readonly type: 'line-too-long';
      /** The line's first octets as UTF-8 text (at most 100): enough to tell which command it was. */
      readonly raw: string;
      /** The limit it passed, in octets with the line end (the dialect's, for the session's state). */
      readonly limit: number;
    })
  | (EventBase & { readonly type: 'retrieve'; readonly number: number; readonly uid: string })
  | (EventBase & {
      readonly type: 'update';
      readonly deleted: readonly { readonly number: number; readonly uid: string }[];
    })
  | (EventBase & {
      readonly type: 'fault';
      readonly ruleId: string;
      readonly action: FaultActionType;
      /** The rule's `explain()` text. */
      readonly description: string;
    })
  | (EventBase & {
      readonly type: 'internal-error';
      /** What went wrong inside the mock (a bug, or a dialect text that threw); the client got `-ERR`. */
      readonly message: string;
      readonly stack?: string;
    })
  | (EventBase & {
      /**
       * `reset()` ran while the session was live: its record restarts here
       * (what came before is forgotten) and goes on recording. The fields
       * carry what the record needs to stand without its earlier events.
       */
      readonly type: 'reset';
      /** When the session began, in milliseconds since the epoch. */
      readonly startedAt: number;
      readonly remoteAddress: string;
      readonly remotePort: number;
      readonly tls: TlsMode;
      readonly state: SessionState;
      /** The user logged in, if any. */
      readonly user?: string;
    })
  | (EventBase & { readonly type: 'session-end'; readonly reason: EndReason });

export type Pop3EventType = Pop3Event['type'];

/** Every {@link Pop3EventType}: a Record, so a type added to `Pop3Event` fails to compile until listed. */
const EVENT_TYPE_SET: Readonly<Record<Pop3EventType, true>> = {
  'session-start': true,
  command: true,
  reply: true,
  'reply-unsent': true,
  auth: true,
  'sasl-response': true,
  state: true,
  tls: true,
  'tls-failed': true,
  'plaintext-dropped': true,
  'line-too-long': true,
  retrieve: true,
  update: true,
  fault: true,
  'internal-error': true,
  reset: true,
  'session-end': true,
};

/** Every event type, once, in the order above (the event log numbers them so). */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as readonly Pop3EventType[];

/** A command as recorded: when it arrived, in which state. */
export interface RecordedCommand {
  /** The keyword, upper-cased. */
  readonly verb: string;
  /** The space-separated arguments, real values (secrets included). */
  readonly args: readonly string[];
  /** The line as received, without CRLF; secrets included. */
  readonly raw: string;
  /** The state the session was in when the command arrived. */
  readonly state: SessionState;
  readonly at: number;
}

/** A command with where it was seen: its session, its position, the reply it got. */
export interface LocatedCommand extends RecordedCommand {
  readonly sessionId: number;
  /** 1-based position among the session's commands. */
  readonly index: number;
  /** Who the session had logged in as when the command arrived (undefined before login). */
  readonly user: string | undefined;
  /** The first line of the reply, when one has been sent. */
  readonly reply: string | undefined;
  /**
   * Present only when the reply was cut short (a fault, the client's close):
   * the octets of it that went out (`bytes`) and the octets it had (`wholeBytes`),
   * as in its `reply` event. The cut may be inside `reply` itself.
   */
  readonly replyCut?: ReplyCut;
}

/** How far a reply cut short went: `bytes` of its `wholeBytes` octets reached the client. */
export interface ReplyCut {
  readonly bytes: number;
  readonly wholeBytes: number;
}
