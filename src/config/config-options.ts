import type { Pop3MockOptions } from '../options';
import type { SmtpOptions } from '../smtp/intake';
import type { CliConfig } from './load-config';

/**
 * A checked config file as server options, for the CLI and the jest global
 * setup alike: relative fixture paths resolve against the file's folder,
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
    ...rest
  } = config.options;
  const options: Pop3MockOptions = { ...rest, baseDir: config.baseDir };
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
