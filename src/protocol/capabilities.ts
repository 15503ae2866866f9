import type { SessionState } from '../vocabulary';
import { type SaslMechanismName, saslMechanisms } from './sasl/mechanisms';

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

/** The facts of the moment that decide what CAPA lists. */
export interface CapabilityView {
  state: SessionState;
  tlsActive: boolean;
  /** Cleartext passwords may be sent now (TLS active, or not required). */
  plaintextAllowed: boolean;
  /** Dovecot leaves USER and SASL out of CAPA after login (against RFC 5034 §3). */
  omitAuthAfterLogin: boolean;
}

/** The SASL mechanisms usable now. */
export function usableMechanisms(settings: CapabilitySettings, view: CapabilityView): SaslMechanismName[] {
  return settings.sasl.filter((name) => {
    const m = saslMechanisms[name];
    return (!m.plaintext || view.plaintextAllowed) && (!m.tlsOnly || view.tlsActive);
  });
}

/** The CAPA list for the moment (RFC 2449 §5-§6, RFC 2595 §4, RFC 6856). */
export function capabilityLines(settings: CapabilitySettings, view: CapabilityView): string[] {
  const out: string[] = [];
  const authListed = !(view.omitAuthAfterLogin && view.state === 'TRANSACTION');
  if (settings.top) out.push('TOP');
  if (settings.user && view.plaintextAllowed && authListed) out.push('USER');
  const mechanisms = usableMechanisms(settings, view);
  if (mechanisms.length > 0 && authListed) out.push(`SASL ${mechanisms.join(' ')}`);
  if (settings.respCodes) out.push('RESP-CODES');
  if (settings.loginDelay !== undefined) out.push(`LOGIN-DELAY ${settings.loginDelay}`);
  if (settings.pipelining) out.push('PIPELINING');
  if (settings.expire !== undefined) out.push(`EXPIRE ${settings.expire}`);
  if (settings.uidl) out.push('UIDL');
  if (settings.authRespCode) out.push('AUTH-RESP-CODE');
  if (settings.stls && view.state === 'AUTHORIZATION' && !view.tlsActive) out.push('STLS');
  if (settings.utf8) out.push(settings.user ? 'UTF8 USER' : 'UTF8');
  if (settings.lang) out.push('LANG');
  if (settings.implementation !== undefined) out.push(`IMPLEMENTATION ${settings.implementation}`);
  return out;
}

/** Verbs that exist only when their capability is offered. */
export function offersVerb(settings: CapabilitySettings, verb: string): boolean {
  switch (verb) {
    case 'CAPA':
      return settings.capa;
    case 'TOP':
      return settings.top;
    case 'UIDL':
      return settings.uidl;
    case 'USER':
    case 'PASS':
      return settings.user;
    case 'AUTH':
      return settings.sasl.length > 0;
    case 'STLS':
      return settings.stls;
    case 'UTF8':
      return settings.utf8;
    case 'LANG':
      return settings.lang;
    default:
      return true;
  }
}
