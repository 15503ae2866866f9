import { loadMessages } from '../fixtures/load-messages';
import { type MessageSource, placedWhereGiven } from '../fixtures/types';
import { type DeletionPlace, Mailbox, type MessageInfo } from '../mailbox/mailbox';
import { noUser } from '../not-found-error';
import type { UserOptions } from '../options';
import { comparableAddress } from './mail-address';

/** One user's copy of a message delivered to several (see {@link UserDirectory.deliverEach}). */
export interface DeliveryCopy {
  readonly user: string;
  readonly message: Buffer;
}

/**
 * The server's users and their mailboxes, by name, in the order they were
 * added. Input reaches it checked (the doors are `Pop3Mock`'s methods).
 */
export class UserDirectory {
  private readonly mailboxes = new Map<string, Mailbox>();
  /**
   * Where each session's UPDATE put its deletions, by session id, kept while
   * the session's record may still be dropped (`keepSessions`). By session,
   * not by login name: a dialect may map a login to another mailbox.
   */
  private readonly deletions: Map<number, DeletionPlace> | undefined;
  private readonly noteDeletions = (place: DeletionPlace, sessionId: number): void => {
    this.deletions?.set(sessionId, place);
  };

  constructor(
    /** Folder relative fixture paths resolve against. */
    private readonly baseDir: string | undefined,
    private readonly now: () => number,
    /** Whether records may be dropped (`keepSessions`), so deletions are tracked to let go of their bytes. */
    trackDeletions = false,
  ) {
    this.deletions = trackDeletions ? new Map() : undefined;
  }

  names(): string[] {
    return [...this.mailboxes.keys()];
  }

  get(user: string): Mailbox | undefined {
    return this.mailboxes.get(user);
  }

  /** The mailbox of a user; throws naming the users there are. */
  require(user: string): Mailbox {
    const mailbox = this.mailboxes.get(user);
    if (!mailbox) throw noUser(user, this.names());
    return mailbox;
  }

  /**
   * A user with its seed messages, replacing one of the same name. `at`:
   * where the messages were given (`users.alice.messages`), named by a fixture error.
   * `mayAdd` is asked right before the user is set, in the same turn, with
   * the mailbox it replaces, if any: while the messages loaded a session may
   * have logged in, or the server closed. It throws to refuse.
   */
  async add(
    user: string,
    options: UserOptions | string,
    at: string,
    mayAdd?: (old: Mailbox | undefined) => void,
  ): Promise<Mailbox> {
    const { password, messages = [] } = typeof options === 'string' ? { password: options } : options;
    const loaded = await loadMessages(messages, { baseDir: this.baseDir, at });
    const mailbox = new Mailbox(user, password, this.now, this.deletions && this.noteDeletions);
    if (typeof options !== 'string') mailbox.oauthToken = options.oauthToken;
    placeErrors(at, () => mailbox.add(loaded));
    mailbox.markAsSeed();
    mayAdd?.(this.mailboxes.get(user));
    this.mailboxes.set(user, mailbox);
    return mailbox;
  }

  remove(user: string): boolean {
    return this.mailboxes.delete(user);
  }

  /**
   * Messages into a user's mailbox; they show from the next session on (RFC 1939 §4).
   * `mayAdd` is asked once they are loaded, right before they are added (it throws to refuse).
   */
  async deliver(
    user: string,
    messages: MessageSource | readonly MessageSource[],
    mayAdd?: () => void,
  ): Promise<MessageInfo[]> {
    this.require(user);
    const loaded = await this.loadDelivery(messages, 'messages');
    mayAdd?.();
    // Found again after the load: a user replaced meanwhile (addUser) gets the messages in its new mailbox.
    const mailbox = this.require(user);
    return mailbox.messagesFrom(placeErrors('messages', () => mailbox.add(loaded)));
  }

  /**
   * Raw messages into several mailboxes in one step (an SMTP message for
   * several users): all are added, or none when a user is not there.
   * Returns the users that were not there.
   */
  async deliverEach(copies: readonly DeliveryCopy[]): Promise<string[]> {
    const loaded = await Promise.all(copies.map((copy) => this.loadDelivery(copy.message, undefined)));
    // From here on nothing waits: the users are found and the messages added in the same turn.
    const missing = copies.filter((copy) => !this.mailboxes.has(copy.user)).map((copy) => copy.user);
    if (missing.length > 0) return missing;
    for (const [i, copy] of copies.entries()) this.require(copy.user).add(loaded[i]!);
    return [];
  }

  private loadDelivery(messages: MessageSource | readonly MessageSource[], at: string | undefined) {
    // Not remembered for later starts: deliveries (the SMTP intake's above all) are mostly new each time.
    return loadMessages(messages, { baseDir: this.baseDir, remember: false, at });
  }

  /** Lets go of the bytes of what session `sessionId` removed at its UPDATE (its record was dropped). */
  releaseDeletedBytes(sessionId: number): void {
    const place = this.deletions?.get(sessionId);
    if (!place) return;
    this.deletions!.delete(sessionId);
    place.mailbox.releaseDeletedBytes(place);
  }

  /** Every mailbox back to its seed messages. */
  resetAll(): void {
    this.deletions?.clear();
    for (const mailbox of this.mailboxes.values()) mailbox.reset();
  }

  /**
   * An SMTP recipient's user: the whole address if such a user exists, its
   * domain compared in any case (RFC 5321 §2.4: carol@Example.COM is
   * carol@example.com) and in either form of an internationalised domain
   * (`bücher.example` is `xn--bcher-kva.example`), else its local part.
   */
  forAddress(address: string): string | undefined {
    if (this.mailboxes.has(address)) return address;
    const at = address.lastIndexOf('@');
    if (at === -1) return undefined;
    const normal = comparableAddress(address);
    for (const name of this.mailboxes.keys()) {
      if (name.includes('@') && comparableAddress(name) === normal) return name;
    }
    const local = address.slice(0, at);
    return this.mailboxes.has(local) ? local : undefined;
  }

  /** Whether `password` is `user`'s, compared as the SASL mechanisms compare it. */
  passwordMatches(user: string, password: string): boolean {
    return this.mailboxes.get(user)?.password === password;
  }
}

/** Runs `add`; a fixture error it throws (two messages with one uid) names where the messages were given. */
function placeErrors<T>(at: string, add: () => T): T {
  try {
    return add();
  } catch (error) {
    throw placedWhereGiven(error, at);
  }
}
