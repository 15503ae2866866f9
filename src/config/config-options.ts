import type { Pop3MockOptions } from '../options';
import type { CliConfig } from './load-config';

/**
 * A checked config file as server options, for the CLI and the jest global
 * setup alike: relative fixture paths resolve against the file's folder, and
 * `controlPort` / `smtpPort` turn those listeners on.
 */
export function optionsFromConfig(config: CliConfig): Pop3MockOptions {
  // `demo` says what the file is, not how to serve: it is the CLI's business.
  const { controlPort, smtpPort, demo: _demo, ...rest } = config.options;
  const options: Pop3MockOptions = { ...rest, baseDir: config.baseDir };
  if (controlPort !== undefined) options.control = { port: controlPort };
  if (smtpPort !== undefined) options.smtp = { port: smtpPort };
  return options;
}
