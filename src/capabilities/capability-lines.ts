import { mechanismNeeds, type SaslMechanismName } from './sasl-names';
import type { CapabilitySettings, CapabilityView } from './settings';

/** The SASL mechanisms usable now. */
export function usableMechanisms(settings: CapabilitySettings, view: CapabilityView): SaslMechanismName[] {
  return settings.sasl.filter((name) => {
    const m = mechanismNeeds[name];
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
