import type { Dialect, ReplyTexts } from '../dialects/dialect';
import type { Mailbox } from '../mailbox/mailbox';
import type { Maildrop } from '../mailbox/maildrop';
import type { SessionState } from '../vocabulary';
import type { Reply } from './reply';
import type { SaslEnvironment, SaslExchange } from './sasl/mechanism';
import type { SaslMechanismName } from './sasl/mechanisms';

/** What a command may see and do in its session. Implemented by the session. */
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
  /**
   * Checks credentials, takes the maildrop lock and enters TRANSACTION.
   * `verify` is called with the user's mailbox; the reply says how it went.
   */
  login(user: string, mechanism: string, verify: (mailbox: Mailbox) => boolean): Reply;
  /** QUIT: in TRANSACTION applies deletions (UPDATE); the session closes after the reply. */
  quit(): Reply;
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
  /** Routes the client's next lines to a SASL exchange until it ends. */
  continueSasl(mechanism: SaslMechanismName, exchange: SaslExchange): void;
  /** Starts the TLS handshake right after this command's reply (STLS). */
  startTlsAfterReply(): void;
}

/**
 * One entry of the command table: the states it is valid in, and what it does.
 * Argument parsing and reply texts live in the command's own file.
 */
export interface CommandSpec {
  readonly states: readonly SessionState[];
  /** `args` are the space-separated arguments; `rest` is everything after the verb and one space. */
  run(ctx: CommandContext, args: readonly string[], rest: string): Reply | Promise<Reply>;
}
