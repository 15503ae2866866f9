import { loadMessages } from '../fixtures/load-messages';
import type { MessageSource } from '../fixtures/types';
import { Mailbox, type MessageInfo } from '../mailbox/mailbox';
import type { UserOptions } from '../options';

/**
 * The server's users and their mailboxes, by name, in the order they were
 * added. Input reaches it checked (the doors are `Pop3Mock`'s methods).
 */
export class UserDirectory {
  private readonly mailboxes = new Map<string, Mailbox>();

  constructor(
    /** Folder relative fixture paths resolve against. */
    private readonly baseDir: string | undefined,
    private readonly now: () => number,
  ) {}

  names(): string[] {
    return [...this.mailboxes.keys()];
  }

  get(user: string): Mailbox | undefined {
    return this.mailboxes.get(user);
  }

  /** The mailbox of a user; throws naming the users there are. */
  require(user: string): Mailbox {
    const mailbox = this.mailboxes.get(user);
    if (!mailbox) {
      const known = this.names().join(', ') || 'none';
      throw new Error(`pop3-mock: no user ${JSON.stringify(user)} (users: ${known})`);
    }
    return mailbox;
  }

  /** A user with its seed messages, replacing one of the same name. */
  async add(user: string, options: UserOptions | string): Promise<Mailbox> {
    const { password, messages = [] } = typeof options === 'string' ? { password: options } : options;
    const loaded = await loadMessages(messages, { baseDir: this.baseDir });
    const mailbox = new Mailbox(user, password, this.now);
    if (typeof options !== 'string') mailbox.oauthToken = options.oauthToken;
    mailbox.add(loaded);
    mailbox.markAsSeed();
    this.mailboxes.set(user, mailbox);
    return mailbox;
  }

  remove(user: string): boolean {
    return this.mailboxes.delete(user);
  }

  /** Messages into a user's mailbox; they show from the next session on (RFC 1939 §4). */
  async deliver(user: string, messages: MessageSource | readonly MessageSource[]): Promise<MessageInfo[]> {
    const mailbox = this.require(user);
    return mailbox.add(await loadMessages(messages, { baseDir: this.baseDir }));
  }

  /** Lets go of the bytes of what session `sessionId` of `user` removed at its UPDATE (its record was dropped). */
  releaseDeletedBytes(user: string | undefined, sessionId: number): void {
    if (user !== undefined) this.mailboxes.get(user)?.releaseDeletedBytes(sessionId);
  }

  /** Every mailbox back to its seed messages. */
  resetAll(): void {
    for (const mailbox of this.mailboxes.values()) mailbox.reset();
  }

  /** An SMTP recipient's user: the whole address if such a user exists, else its local part. */
  forAddress(address: string): string | undefined {
    if (this.mailboxes.has(address)) return address;
    const local = address.split('@')[0] ?? '';
    return this.mailboxes.has(local) ? local : undefined;
  }

  /** Whether `password` is `user`'s, compared as the SASL mechanisms compare it. */
  passwordMatches(user: string, password: string): boolean {
    return this.mailboxes.get(user)?.password === password;
  }
}
