/** A config file that cannot be read: missing, not JSON, not loadable. What it holds is checked by the schema (`InputError`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
