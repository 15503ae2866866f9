import type { SaslMechanismName } from '../capabilities/sasl-names';
import type { Mailbox } from '../mailbox/mailbox';
import type { StoredMessage } from '../mailbox/message';
import type { Reply } from './reply';
import type { SaslExchange } from './sasl/mechanism';

/** A SASL exchange waiting for the client's next line (RFC 5034 §4). */
export interface PendingSasl {
  readonly mechanism: SaslMechanismName;
  readonly exchange: SaslExchange;
}

/**
 * What should happen besides sending the reply. A step decides it; the
 * session applies it (state, transcript, connection), so commands never call
 * back into the session.
 */
export type NextStep =
  /** Credentials refused: the attempt is recorded, the state stays. */
  | {
      readonly kind: 'login-refused';
      readonly user: string;
      readonly mechanism: string;
      readonly result: 'failed' | 'in-use';
    }
  /** Logged in: the session opens this snapshot of the mailbox and enters TRANSACTION. */
  | {
      readonly kind: 'login';
      readonly user: string;
      readonly mechanism: string;
      readonly mailbox: Mailbox;
      readonly snapshot: readonly StoredMessage[];
      /** Whether the step took the mailbox's lock (to release when the session ends). */
      readonly locked: boolean;
    }
  /** QUIT in AUTHORIZATION: the session closes after the reply. */
  | { readonly kind: 'quit' }
  /** QUIT in TRANSACTION: UPDATE removed these messages; the session closes after the reply. */
  | {
      readonly kind: 'update';
      readonly deleted: readonly { readonly number: number; readonly uid: string }[];
    }
  /** The client's next line belongs to this SASL exchange. */
  | { readonly kind: 'sasl'; readonly pending: PendingSasl }
  /** STLS: the TLS handshake starts right after the reply. */
  | { readonly kind: 'start-tls' }
  /** This `-ERR` resets the bad-command count as a success does (see ReplyTexts.messageExpunged). */
  | { readonly kind: 'not-bad' };

/** A reply together with what should happen next. */
export interface Stepped {
  readonly kind: 'step';
  readonly reply: Reply;
  readonly next: NextStep;
}

/** What a command or a step returns: a plain reply, or a reply with a next step. */
export type CommandResult = Reply | Stepped;

export const stepped = (reply: Reply, next: NextStep): Stepped => ({ kind: 'step', reply, next });

/** The reply of a command's result. */
export const replyOf = (result: CommandResult): Reply => (result.kind === 'step' ? result.reply : result);

/** The step a command's result decided, if any. */
export const nextOf = (result: CommandResult): NextStep | undefined =>
  result.kind === 'step' ? result.next : undefined;
