/** What a SASL mechanism may ask of the server while it runs. */
export interface SaslEnvironment {
  /** The user's password, or `undefined` for an unknown user. */
  password(user: string): string | undefined;
  /** Whether `token` is a valid OAuth bearer token for `user`. */
  acceptsToken(user: string, token: string): boolean;
  /** Server name and port, for OAUTHBEARER's host/port check and CRAM-MD5 challenges. */
  readonly hostname: string;
  /** The ports clients reach this server on (POP3 and POP3S). */
  readonly ports: readonly number[];
}

/** The next step of an exchange, as the mechanism decides it. */
export type SaslStep =
  /** Send `+ base64(data)` and wait for the client's next line. */
  | { readonly kind: 'challenge'; readonly data: Buffer }
  /** Credentials verified for this user. */
  | { readonly kind: 'success'; readonly user: string }
  /** Credentials rejected (`[AUTH]`), or a malformed message. */
  | { readonly kind: 'failure'; readonly reason: 'credentials' | 'malformed'; readonly user?: string };

/** One running exchange; it sees each decoded client message in turn. */
export interface SaslExchange {
  /** `initial` is `undefined` when AUTH came without an initial response. */
  start(initial: Buffer | undefined): SaslStep;
  next(response: Buffer): SaslStep;
}

/**
 * A SASL mechanism (RFC 4422) as POP3 AUTH uses it (RFC 5034). Whether it may
 * be offered on a connection is `mechanismNeeds` (capabilities/sasl-names.ts),
 * which CAPA and the dialects read without the exchanges.
 */
export interface SaslMechanism {
  readonly name: string;
  /** Server-first mechanisms (CRAM-MD5) refuse an initial response (RFC 5034 §4). */
  readonly serverFirst: boolean;
  create(env: SaslEnvironment): SaslExchange;
}
