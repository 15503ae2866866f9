import { resolve } from 'node:path';
import { type DialectName, isDialectName } from '../dialects';
import type { DialectFile } from '../dialects/dialect-file';
import type { Pop3MockOptions } from '../options';
import type { SmtpOptions } from '../smtp/intake';
import { ConfigError } from './config-error';
import type { CliConfig } from './load-config';
import { loadDialect } from './load-dialect';

/**
 * A checked config file as server options, for the CLI and the jest global
 * setup alike: relative fixture paths (and a dialect file's, as `--dialect`
 * takes one) resolve against the file's folder,
 * `controlPort` turns the control API on and any `smtp*` key the SMTP intake.
 */
export function optionsFromConfig(config: CliConfig): Pop3MockOptions {
  // `demo` says what the file is, not how to serve: it is the CLI's business.
  const {
    controlPort,
    smtpPort,
    smtpTlsPort,
    smtpAuth,
    smtpTraceHeaders,
    smtpCreateUsers,
    smtpMaxSize,
    demo: _demo,
    dialect,
    ...rest
  } = config.options;
  const options: Pop3MockOptions = { ...rest, baseDir: config.baseDir };
  if (dialect !== undefined) options.dialect = dialectOf(dialect, config);
  if (controlPort !== undefined) options.control = { port: controlPort };
  const smtp: SmtpOptions = {
    port: smtpPort,
    tlsPort: smtpTlsPort,
    auth: smtpAuth,
    traceHeaders: smtpTraceHeaders,
    createUsers: smtpCreateUsers,
    maxSize: smtpMaxSize,
  };
  const given = Object.entries(smtp).filter(([, value]) => value !== undefined);
  if (given.length > 0) options.smtp = Object.fromEntries(given) as SmtpOptions;
  return options;
}

/** A config's `dialect`: a preset's name or a file's object as they are, a file's path read (relative to the config's folder). */
function dialectOf(
  dialect: NonNullable<CliConfig['options']['dialect']>,
  config: CliConfig,
): DialectName | DialectFile {
  if (typeof dialect !== 'string' || isDialectName(dialect)) return dialect;
  try {
    // By its whole path: relative, it would read as relative to the working folder.
    return loadDialect(resolve(config.baseDir, dialect));
  } catch (error) {
    // The dialect file's own errors name it; which config named the file is said too.
    if (error instanceof ConfigError)
      throw new ConfigError(`config ${config.displayPath}: dialect: ${error.message}`);
    throw error;
  }
}
