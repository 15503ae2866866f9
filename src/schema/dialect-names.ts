import type { DialectName } from '../dialects';

/** The built-in presets a config, a dialect file's `extends` or `--dialect` may name. */
export const DIALECT_NAMES = [
  'rfc',
  'dovecot',
  'gmail',
  'greenmail',
  'rfc1939-minimal',
] as const satisfies readonly DialectName[];
