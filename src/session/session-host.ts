import type { Clock } from '../clock';
import type { Dialect } from '../dialects/dialect';
import type { Mailbox } from '../mailbox/mailbox';
import type { CapabilitySettings } from '../protocol/capabilities';
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
  mailbox(user: string): Mailbox | undefined;
  emit(event: Pop3Event): void;
}
