import type { DialectName } from '../dialects';

/** The built-in presets a config, a dialect file's `extends` or `--dialect` may name. */
export const DIALECT_NAMES = [
  'rfc',
  'dovecot',
  'gmail',
  'greenmail',
  'rfc1939-minimal',
] as const satisfies readonly DialectName[];

/**
 * Whether a dialect value names a file rather than a preset (`--dialect`, a
 * config's `dialect`): it has a path separator or ends in `.json`.
 */
export function isDialectPath(value: string): boolean {
  return /[/\\]/.test(value) || value.toLowerCase().endsWith('.json');
}
