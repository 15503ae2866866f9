import type { CapabilitySettings } from '../capabilities/settings';
import type { Dialect } from '../dialects/dialect';
import type { CheckedOptions } from '../schema/options';

/** The capability that serves each verb a fault rule's server-bug mode bends and a server may leave out. */
const SERVED_BY = { STLS: 'stls', TOP: 'top', UIDL: 'uidl', CAPA: 'capa' } as const;

/**
 * The verbs this server answers as unknown commands (or, STLS, refuses),
 * each with why, as the options say it: a rule that bends only their
 * replies could never fire (faults/accept-rules.ts).
 */
export function verbsOff(
  options: CheckedOptions,
  dialect: Dialect,
  capabilities: CapabilitySettings,
): ReadonlyMap<string, string> {
  const off = new Map<string, string>();
  for (const [verb, key] of Object.entries(SERVED_BY))
    if (!capabilities[key])
      off.set(verb, key === 'stls' ? stlsOffBecause(options, dialect) : offBecause(options, dialect, key));
  return off;
}

/** Why STLS is off, as the options say it: `tls: false`, `capabilities.stls: false`, or the dialect. */
export function stlsOffBecause(options: CheckedOptions, dialect: Dialect): string {
  return options.tls === false ? 'tls: false' : offBecause(options, dialect, 'stls');
}

function offBecause(
  options: CheckedOptions,
  dialect: Dialect,
  key: (typeof SERVED_BY)[keyof typeof SERVED_BY],
): string {
  if (options.capabilities?.[key] === false) return `capabilities.${key}: false`;
  return `the ${JSON.stringify(dialect.name)} dialect offers none`;
}
