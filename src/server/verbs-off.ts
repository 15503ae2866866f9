import { offersVerb } from '../capabilities/capability-lines';
import type { CapabilitySettings } from '../capabilities/settings';
import type { Dialect } from '../dialects/dialect';
import { BUG_VERBS } from '../schema/fault-rule';
import type { CheckedOptions } from '../schema/options';

/** Every verb a fault rule's server-bug mode bends. */
const BENT_VERBS = [...new Set(Object.values(BUG_VERBS).flat())];

/**
 * The verbs a bug mode bends that this server answers as unknown commands
 * (or, STLS, refuses), each with why, as the options say it: a rule that
 * bends only their replies could never fire (faults/accept-rules.ts).
 */
export function verbsOff(
  options: CheckedOptions,
  dialect: Dialect,
  capabilities: CapabilitySettings,
): ReadonlyMap<string, string> {
  const off = new Map<string, string>();
  for (const verb of BENT_VERBS)
    if (!offersVerb(capabilities, verb)) off.set(verb, offBecause(options, dialect, verb));
  return off;
}

/** Why USER and PASS are answered as unknown, as the options say it; undefined when they are not. */
export function userOffBecause(
  options: CheckedOptions,
  dialect: Dialect,
  capabilities: CapabilitySettings,
): string | undefined {
  return offersVerb(capabilities, 'USER') ? undefined : offBecause(options, dialect, 'USER');
}

/** Why STLS is off, as the options say it: `tls: false`, `capabilities.stls: false`, or the dialect. */
export function stlsOffBecause(options: CheckedOptions, dialect: Dialect): string {
  return offBecause(options, dialect, 'STLS');
}

function offBecause(options: CheckedOptions, dialect: Dialect, verb: string): string {
  if (verb === 'STLS' && options.tls === false) return 'tls: false';
  // A bent verb a capability can leave out (CAPA, TOP, UIDL, STLS) is named as its capability (offersVerb).
  const key = verb.toLowerCase();
  const given: Readonly<Record<string, unknown>> = options.capabilities ?? {};
  if (given[key] === false) return `capabilities.${key}: false`;
  return `the ${JSON.stringify(dialect.name)} dialect offers none`;
}
