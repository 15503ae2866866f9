import type { SessionState } from '../session/state';

/** Which optional parts of POP3 the server offers. A command not offered is refused as unknown. */
export interface CapabilitySettings {
  top: boolean;
  uidl: boolean;
  user: boolean;
  pipelining: boolean;
  respCodes: boolean;
  authRespCode: boolean;
  /** `IMPLEMENTATION` text; `undefined` leaves it out. */
  implementation: string | undefined;
}

/** The CAPA list for a state (RFC 2449 §5-§6). */
export function capabilityLines(settings: CapabilitySettings, _state: SessionState): string[] {
  const out: string[] = [];
  if (settings.top) out.push('TOP');
  if (settings.user) out.push('USER');
  if (settings.uidl) out.push('UIDL');
  if (settings.pipelining) out.push('PIPELINING');
  if (settings.respCodes) out.push('RESP-CODES');
  if (settings.authRespCode) out.push('AUTH-RESP-CODE');
  if (settings.implementation !== undefined) out.push(`IMPLEMENTATION ${settings.implementation}`);
  return out;
}

/** Verbs that exist only when their capability is offered. */
export function offersVerb(settings: CapabilitySettings, verb: string): boolean {
  if (verb === 'TOP') return settings.top;
  if (verb === 'UIDL') return settings.uidl;
  if (verb === 'USER' || verb === 'PASS') return settings.user;
  return true;
}
