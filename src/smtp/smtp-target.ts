import type { DeliveryCopy } from '../server/user-directory';

/**
 * What the intake needs from the POP3 server, and nothing more: who exists,
 * whether a password is theirs, how to create a user and how to deliver.
 * The assembly builds it from the server's public methods.
 */
export interface SmtpTarget {
  /** The mailbox user for a recipient address, or undefined for none (an AUTH name is a user's only if this gives it back). */
  userFor(address: string): string | undefined;
  /** Whether `password` is the POP3 password of `user`. */
  passwordMatches(user: string, password: string): boolean;
  /** Creates a user for an address on delivery; resolves with the user name. */
  createUser(address: string): Promise<string>;
  /**
   * Adds each copy, as its bytes, at the end of its user's mailbox, all in
   * one step: every copy, or none. Resolves with the users that were not
   * there (nothing was delivered then), empty when all were.
   */
  deliverAll(copies: readonly DeliveryCopy[]): Promise<string[]>;
}
