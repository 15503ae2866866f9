import type { SessionState } from '../vocabulary';
import type { SaslMechanismName } from './sasl-names';

/** Which optional parts of POP3 the server offers. A command not offered is refused as unknown. */
export interface CapabilitySettings {
  /** CAPA itself (RFC 2449); off: CAPA is an unknown command, as on a pre-2449 server. */
  capa: boolean;
  top: boolean;
  uidl: boolean;
  /** USER/PASS login. */
  user: boolean;
  pipelining: boolean;
  respCodes: boolean;
  authRespCode: boolean;
  /** `IMPLEMENTATION` text; `undefined` leaves it out. */
  implementation: string | undefined;
  /** SASL mechanisms for AUTH, in the order CAPA lists them; empty: no AUTH. */
  sasl: readonly SaslMechanismName[];
  /** STLS (RFC 2595), when the server has a certificate. */
  stls: boolean;
  /** `LOGIN-DELAY` seconds (RFC 2449 §6.5), enforced; `undefined`: none. */
  loginDelay: number | undefined;
  /** `EXPIRE` days or `NEVER` (RFC 2449 §6.7); `0` removes retrieved messages at UPDATE. */
  expire: number | 'NEVER' | undefined;
  /** `UTF8` (RFC 6856 §2); off by default, so 8-bit messages pass unchanged. */
  utf8: boolean;
  /** `LANG` (RFC 6856 §3). */
  lang: boolean;
}

/** Response codes are on where neither the dialect nor the options say (the server's default). */
export const RESPONSE_CODES_ON: Pick<CapabilitySettings, 'respCodes' | 'authRespCode'> = {
  respCodes: true,
  authRespCode: true,
};

/** The facts of the moment that decide what CAPA lists. */
export interface CapabilityView {
  state: SessionState;
  tlsActive: boolean;
  /** Cleartext passwords may be sent now (TLS active, or not required). */
  plaintextAllowed: boolean;
  /** Dovecot leaves USER and SASL out of CAPA after login (against RFC 5034 §3). */
  omitAuthAfterLogin: boolean;
}
