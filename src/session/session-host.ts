import type { Clock } from '../clock';
import type { Dialect } from '../dialects/dialect';
import type { FaultEngine } from '../faults/engine';
import type { Mailbox } from '../mailbox/mailbox';
import type { CapabilitySettings } from '../protocol/capabilities';
import type { ServerTls } from '../server/tls/tls-material';
import type { Pop3Event } from '../transcript/events';

/** Whether a second session may open a maildrop that is in use. */
export type LockMode = 'exclusive' | 'none';

/** What a session needs from the server that owns it. */
export interface SessionHost {
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly capabilities: CapabilitySettings;
  /** Idle time after which a session is closed without UPDATE. */
  readonly autologoutMs: number;
  readonly lockMode: LockMode;
  /** The server's certificate; `undefined` when TLS is off. */
  readonly tls: ServerTls | undefined;
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
}
