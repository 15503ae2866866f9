import type { Mailbox } from './mailbox';
import type { StoredMessage } from './message';

/** The result of looking up a message number given by the client. */
export type MessageLookup =
  | { readonly found: true; readonly number: number; readonly message: StoredMessage }
  | { readonly found: false; readonly reason: 'no-such-message' | 'deleted'; readonly number: number };

/** Who hears of each RETR (the session, for the transcript). */
export interface RetrievalWatcher {
  retrieved(number: number, uid: string): void;
}

/**
 * A session's view of a mailbox (RFC 1939 §4-§6): the message list fixed at
 * login, numbered 1..n for the whole session, with deletion marks that only
 * UPDATE applies.
 */
export class Maildrop {
  // Made on first use: most sessions delete nothing, and an idle one holds no set.
  private marked: Set<number> | undefined;
  private retrievedNumbers: Set<number> | undefined;
  /** The highest number an expunged fetch counted as a success for (see {@link Maildrop.fetchExpunged}). */
  private highestExpungedFetch = 1;

  constructor(
    readonly mailbox: Mailbox,
    private readonly messages: readonly StoredMessage[],
    /** Told of every RETR, for the transcript. */
    private readonly watcher?: RetrievalWatcher,
  ) {}

  /** Number of messages at login, deleted ones included. */
  get count(): number {
    return this.messages.length;
  }

  lookup(number: number): MessageLookup {
    const message = this.messages[number - 1];
    if (message === undefined || number < 1) return { found: false, reason: 'no-such-message', number };
    if (this.marked?.has(number)) return { found: false, reason: 'deleted', number };
    return { found: true, number, message };
  }

  /** The message numbered `number` at login, deleted or not. */
  at(number: number): StoredMessage | undefined {
    return number >= 1 ? this.messages[number - 1] : undefined;
  }

  /** Non-deleted messages with their session numbers, ascending. */
  live(): { number: number; message: StoredMessage }[] {
    const out: { number: number; message: StoredMessage }[] = [];
    this.messages.forEach((message, i) => {
      if (!this.marked?.has(i + 1)) out.push({ number: i + 1, message });
    });
    return out;
  }

  /** STAT figures: count and octets of non-deleted messages. */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    this.messages.forEach((m, i) => {
      if (this.marked?.has(i + 1)) return;
      count++;
      octets += m.size;
    });
    return { count, octets };
  }

  /** Whether another session's UPDATE removed message `number` (lock `'none'`) since this session's login. */
  expunged(number: number): boolean {
    const message = this.at(number);
    return message !== undefined && this.mailbox.removedByUpdate(message);
  }

  /**
   * Records a fetch of expunged message `number`; true when it counts as a
   * success, as on Dovecot 2.3.19 (measured): numbered above every such fetch
   * that did so far, and above 1 (message 1 never does).
   */
  fetchExpunged(number: number): boolean {
    if (number <= this.highestExpungedFetch) return false;
    this.highestExpungedFetch = number;
    return true;
  }

  markDeleted(number: number): void {
    this.marked ??= new Set();
    this.marked.add(number);
  }

  markRetrieved(number: number): void {
    this.retrievedNumbers ??= new Set();
    this.retrievedNumbers.add(number);
    this.watcher?.retrieved(number, this.messages[number - 1]!.uid);
  }

  unmarkAll(): void {
    this.marked?.clear();
  }

  /** Numbers marked deleted, ascending. */
  deletedNumbers(): number[] {
    return [...(this.marked ?? [])].sort((a, b) => a - b);
  }

  retrieved(): { number: number; uid: string }[] {
    return [...(this.retrievedNumbers ?? [])]
      .sort((a, b) => a - b)
      .map((n) => ({ number: n, uid: this.messages[n - 1]!.uid }));
  }

  /**
   * UPDATE at `at` (the session's time): removes the marked messages from the
   * mailbox; returns those it removed with their session numbers (not one
   * the mailbox no longer held: see {@link Mailbox.remove}).
   */
  commit(sessionId: number, at: number): { number: number; message: StoredMessage }[] {
    const numbers = this.deletedNumbers();
    const removed = new Set(
      this.mailbox.remove(
        numbers.map((n) => this.messages[n - 1]!),
        sessionId,
        at,
      ),
    );
    return numbers
      .map((number) => ({ number, message: this.messages[number - 1]! }))
      .filter(({ message }) => removed.has(message));
  }
}
