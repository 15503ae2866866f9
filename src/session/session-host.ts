import type { SecureContext } from 'node:tls';
import type { CapabilitySettings } from '../capabilities/settings';
import type { Clock } from '../clock';
import type { Dialect } from '../dialects/dialect';
import type { FaultEngine } from '../faults/engine';
import type { Mailbox } from '../mailbox/mailbox';
import type { CommandLine } from '../protocol/command-line';
import type { LockMode, Pop3Event, PresentedCertificate, ReplyStatus, SessionState } from '../vocabulary';

/** The server's certificate, as a session uses it (declared here so the session does not depend on the server). */
export interface TlsContextSource {
  secureContext(): SecureContext;
}

/** What a session needs from the server that owns it. */
export interface SessionHost {
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly capabilities: CapabilitySettings;
  /** Idle time after which a session is closed without UPDATE. */
  readonly autologoutMs: number;
  readonly lockMode: LockMode;
  /** The server's certificate; `undefined` when TLS is off. */
  readonly tls: TlsContextSource | undefined;
  /** Which certificate {@link tls} presents (for the transcript: was it one a client should refuse?). */
  readonly certificate: PresentedCertificate;
  /** Refuse USER/PASS and plaintext SASL mechanisms until TLS is active. */
  readonly requireTls: boolean;
  /** Put an APOP timestamp in the greeting and accept APOP. */
  readonly apop: boolean;
  /** Host name for APOP timestamps and CRAM-MD5 challenges. */
  readonly hostname: string;
  /** The ports clients connect to (OAUTHBEARER checks them). */
  ports(): number[];
  /** The server's fault rules. */
  readonly faults: FaultEngine;
  mailbox(user: string): Mailbox | undefined;
  emit(event: Pop3Event): void;
  /**
   * A command arrived: the `command` event, given as the session parsed it,
   * so that no event object is made when no listener hears commands (most
   * sessions).
   */
  command(sessionId: number, at: number, line: CommandLine, state: SessionState): void;
  /**
   * A reply was written whole: the `reply` event, given field by field, as
   * {@link command}; with `bytes` 0 (no octet reached the socket) the
   * `reply-unsent` event instead. A reply cut short comes through
   * {@link emit} as a whole event, with `wholeBytes` (`reply-event.ts`).
   */
  reply(sessionId: number, at: number, status: ReplyStatus, line: string, bytes: number): void;
}
