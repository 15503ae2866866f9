import type { SaslMechanismName } from '../capabilities/sasl-names';
import type { CapabilitySettings } from '../capabilities/settings';
import type { Dialect, ReplyTexts } from '../dialects/dialect';
import type { Mailbox } from '../mailbox/mailbox';
import type { Maildrop } from '../mailbox/maildrop';
import type { LockMode, SessionState } from '../vocabulary';
import type { CommandResult } from './outcome';
import type { SaslEnvironment } from './sasl/mechanism';

/**
 * What a command may see of its session (implemented by the session). What a
 * command changes beyond its own fields it returns as a next step.
 */
export interface CommandContext {
  readonly state: SessionState;
  readonly texts: ReplyTexts;
  readonly dialect: Dialect;
  /** The session's maildrop; set in TRANSACTION. */
  readonly maildrop: Maildrop | undefined;
  /** The name given by the last accepted USER, until PASS uses it up. */
  pendingUser: string | undefined;
  /** The capability lines CAPA lists now. */
  capabilities(): string[];
  /** Whether an optional command is offered (a server without UIDL or TOP refuses them). */
  offers(verb: string): boolean;
  readonly sessionId: number;
  /** The server's clock, in milliseconds: the reading of the turn the command runs in. */
  now(): number;
  /** The server's capability settings (LOGIN-DELAY, EXPIRE, ...). */
  readonly settings: CapabilitySettings;
  readonly lockMode: LockMode;
  /** The mailbox a login name opens (through the dialect's name mapping). */
  mailboxOf(loginName: string): Mailbox | undefined;
  readonly tlsActive: boolean;
  /** Cleartext passwords may be sent now (TLS is active or not required). */
  readonly plaintextAllowed: boolean;
  /** Whether the server has a certificate for STLS. */
  readonly tlsAvailable: boolean;
  /** The `<...>` timestamp of this connection's greeting, when APOP is on. */
  readonly greetingTimestamp: string | undefined;
  /** UTF-8 mode (RFC 6856 §2), entered with the UTF8 command. */
  utf8Mode: boolean;
  /** SASL mechanisms usable now, in CAPA order. */
  mechanisms(): SaslMechanismName[];
  saslEnvironment(): SaslEnvironment;
}

/**
 * One entry of the command table: the states it is valid in, and what it does.
 * Argument parsing and reply texts live in the command's own file.
 */
export interface CommandSpec {
  readonly states: readonly SessionState[];
  /** `args` are the space-separated arguments; `rest` is everything after the verb and one space. */
  run(ctx: CommandContext, args: readonly string[], rest: string): CommandResult | Promise<CommandResult>;
}
