import { resolve } from 'node:path';
import { optionsFromConfig } from '../config/config-options';
import type { CliConfig } from '../config/load-config';
import { type DialectName, dialects, isDialectName } from '../dialects';
import type { Pop3MockOptions, UserOptions } from '../options';
import { TLS_CERTIFICATE_MODES } from '../schema/options';
import { UsageError } from './errors';
import type { CliArgs } from './parse-args';

/** A user as the logs show it: never the password, only where to find it. */
export interface UserSummary {
  name: string;
  /** E.g. `see examples/pop3-mock.config.json` or `the one given with --user`. */
  passwordSource: string;
}

/** Everything needed to start the server, merged from the config file and the flags. */
export interface StartPlan {
  options: Pop3MockOptions;
  dialectName: string;
  users: UserSummary[];
}

/**
 * Merges config and flags: flags win over config values, `--user` adds users
 * (or replaces a config user of the same name). Relative fixture paths of the
 * config resolve against its folder, those of `--user` against `cwd`.
 * A port that was asked for is that port: a taken one fails (no fallback)
 * unless the config sets `portFallback: true` and `--port` was not given.
 *
 * @throws UsageError for an unknown `--dialect` or `--tls-certificate` (the config file's dialect was checked by its schema).
 */
export function buildStartPlan(
  args: CliArgs,
  config: CliConfig | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): StartPlan {
  const fromConfig = config === undefined ? { baseDir: cwd } : optionsFromConfig(config);
  const users: Record<string, UserOptions | string> = Object.create(null);
  const summaries = new Map<string, UserSummary>();
  for (const [name, user] of Object.entries(fromConfig.users ?? {})) {
    users[name] = user;
    summaries.set(name, { name, passwordSource: `see ${config?.displayPath}` });
  }
  for (const user of args.users) {
    // { path } rather than a string: a string path gets a "raw message" hint that does not fit here.
    const messages = user.path === undefined ? [] : [{ path: resolve(cwd, user.path) }];
    users[user.name] = { password: user.password, messages };
    summaries.set(user.name, { name: user.name, passwordSource: 'the one given with --user' });
  }

  if (args.dialect !== undefined && !isDialectName(args.dialect)) {
    throw new UsageError(
      `unknown dialect ${JSON.stringify(args.dialect)} (known: ${Object.keys(dialects).join(', ')})`,
    );
  }
  const dialectName = args.dialect ?? (typeof fromConfig.dialect === 'string' ? fromConfig.dialect : 'rfc');

  const options: Pop3MockOptions = {
    ...fromConfig,
    host: args.host ?? fromConfig.host ?? '127.0.0.1',
    port: args.port ?? fromConfig.port ?? 0,
    // A port that was asked for is that port, unless the config allows another.
    portFallback: args.port === undefined ? (fromConfig.portFallback ?? false) : false,
    users,
    dialect: dialectName as DialectName,
  };
  if (args.tlsCertificate !== undefined) {
    const certificate = TLS_CERTIFICATE_MODES.find((m) => m === args.tlsCertificate);
    if (!certificate) {
      throw new UsageError(
        `unknown certificate mode ${JSON.stringify(args.tlsCertificate)} (known: ${TLS_CERTIFICATE_MODES.join(', ')})`,
      );
    }
    const configured = typeof fromConfig.tls === 'object' ? fromConfig.tls : {};
    options.tls = { ...configured, certificate };
  }
  const tlsPort = args.tlsPort ?? fromConfig.tlsPort;
  if (tlsPort !== undefined) options.tlsPort = tlsPort;
  const controlPort =
    args.controlPort ?? (typeof fromConfig.control === 'object' ? fromConfig.control.port : undefined);
  // The token comes from the environment when the parent process chose it; else it is random.
  if (controlPort !== undefined)
    options.control = { port: controlPort, token: env.POP3_MOCK_TOKEN || undefined };
  const smtpFlags = { port: args.smtpPort, tlsPort: args.smtpTlsPort, auth: args.smtpAuth };
  const smtpGiven = Object.entries(smtpFlags).filter(([, value]) => value !== undefined);
  // Any --smtp-* flag turns the intake on; the flags win over the config's smtp* keys.
  if (smtpGiven.length > 0) {
    const fromFile = typeof fromConfig.smtp === 'object' ? fromConfig.smtp : {};
    options.smtp = { ...fromFile, ...Object.fromEntries(smtpGiven) };
  }
  return { options, dialectName, users: [...summaries.values()] };
}
