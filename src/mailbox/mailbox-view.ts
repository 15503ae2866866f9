import type { MessageSource } from '../fixtures/types';
import type { MailboxApi } from '../mock-api';
import { noMessage } from '../not-found-error';
import type { DeletedMessage, Mailbox, MessageInfo } from './mailbox';

/**
 * A user's mailbox as a test sees it: what it holds, what UPDATE removed,
 * and who holds its lock. Read-only: the password, the lock and the stored
 * list belong to the server (change them with `addUser`, `deliver`, `reset`).
 */
export interface MailboxView extends MailboxApi<'local'> {
  readonly user: string;
  /** The id of the session holding the maildrop lock, if any (none when the user is gone). */
  readonly lockedBy: number | undefined;
  /** The messages now, numbered as a session opened now would see them. */
  messages(): MessageInfo[];
  /** Messages removed at UPDATE, oldest first. */
  deleted(): DeletedMessage[];
  /** The bytes RETR sends for message `number` (1-based, as `messages()` numbers them): a new copy each call, to read or change. */
  raw(number: number): Buffer;
  /** Back to the seeded messages; what UPDATE removed is forgotten. */
  reset(): void;
  /** Adds messages; they show from the next session on (RFC 1939 §4). */
  deliver(messages: MessageSource | readonly MessageSource[]): Promise<MessageInfo[]>;
}

/** What a view needs of its server. */
export interface ViewServer {
  /** The user's mailbox now; a `NotFoundError` when the user is gone. */
  mailbox(): Mailbox;
  /** The user's mailbox now, if the user is there. */
  mailboxIfAny(): Mailbox | undefined;
  /** The server's `deliver()` for this user. */
  deliver(messages: MessageSource | readonly MessageSource[]): Promise<MessageInfo[]>;
  /** Throws when `call` may not change the server now (it was closed). */
  mayChange(call: string): void;
  /** Checks `raw()`'s argument (the server's door check, which the remote client makes too). */
  messageNumber(given: unknown): number;
}

/**
 * The view of a user's mailbox: a new small object each time, never the
 * mailbox itself. It names the user, as the remote client's does: each call
 * reads the mailbox the user has now (a user replaced by `addUser()` has a
 * new one; a removed user none: a `NotFoundError`).
 */
export function viewOf(user: string, server: ViewServer): MailboxView {
  const { mailbox, mailboxIfAny, deliver, mayChange, messageNumber } = server;
  return {
    user,
    get lockedBy() {
      return mailboxIfAny()?.lockedBy;
    },
    messages: () => mailbox().messages(),
    deleted: () => mailbox().deleted(),
    raw(given) {
      const number = messageNumber(given);
      const now = mailbox();
      const held = now.heldBytes(number);
      if (!held) throw noMessage(user, number, now.messages().length);
      // A copy each call: the held bytes serve every server of the process.
      return Buffer.from(held);
    },
    reset() {
      mayChange('reset');
      mailbox().reset();
    },
    deliver,
  };
}
