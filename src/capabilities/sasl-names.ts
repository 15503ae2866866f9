/** The SASL mechanisms the mock implements; their exchanges live in `protocol/sasl/`. */
export type SaslMechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2' | 'OAUTHBEARER';

/** What a mechanism needs of the connection before it may be offered. */
export interface MechanismNeeds {
  /** Carries a reusable secret in the clear: hidden and refused before TLS when TLS is required. */
  readonly plaintext: boolean;
  /** Offered only on a TLS connection (OAUTHBEARER, RFC 7628 §3). */
  readonly tlsOnly: boolean;
}

/** Per mechanism, what decides whether CAPA lists it and AUTH accepts it now. */
export const mechanismNeeds: Readonly<Record<SaslMechanismName, MechanismNeeds>> = {
  PLAIN: { plaintext: true, tlsOnly: false },
  LOGIN: { plaintext: true, tlsOnly: false },
  'CRAM-MD5': { plaintext: false, tlsOnly: false },
  XOAUTH2: { plaintext: true, tlsOnly: false },
  OAUTHBEARER: { plaintext: true, tlsOnly: true },
};
