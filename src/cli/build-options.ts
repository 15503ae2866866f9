import { resolve } from 'node:path';
import { dialects, isDialectName } from '../dialects';
import type { Pop3MockOptions, UserOptions } from '../options';
import { ConfigError, UsageError } from './errors';
import type { CliConfig } from './load-config';
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
 * @throws UsageError for an unknown `--dialect`, ConfigError for an unknown config dialect.
 */
export function buildStartPlan(
  args: CliArgs,
  config: CliConfig | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): StartPlan {
  const fromConfig = config?.options ?? {};
  const users: Record<string, UserOptions> = Object.create(null);
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

  const dialectName = args.dialect ?? fromConfig.dialect ?? 'rfc';
  if (!isDialectName(dialectName)) {
    const message = `unknown dialect ${JSON.stringify(dialectName)} (known: ${Object.keys(dialects).join(', ')})`;
    throw args.dialect !== undefined
      ? new UsageError(message)
      : new ConfigError(`config ${config?.displayPath}: ${message}`);
  }
  const dialect = dialects[dialectName];

  const options: Pop3MockOptions = {
    host: args.host ?? fromConfig.host ?? '127.0.0.1',
    port: args.port ?? fromConfig.port ?? 0,
    portFallback: args.port === undefined ? (fromConfig.portFallback ?? false) : false,
    users,
    baseDir: config?.baseDir ?? cwd,
    dialect,
  };
  const tlsPort = args.tlsPort ?? fromConfig.tlsPort;
  if (tlsPort !== undefined) options.tlsPort = tlsPort;
  const controlPort = args.controlPort ?? fromConfig.controlPort;
  // The token comes from the environment when the parent process chose it; else it is random.
  if (controlPort !== undefined)
    options.control = { port: controlPort, token: env.POP3_MOCK_TOKEN || undefined };
  if (fromConfig.smtpPort !== undefined) options.smtp = { port: fromConfig.smtpPort };
  for (const key of ['apop', 'requireTls', 'seed', 'maxSessions', 'faults'] as const) {
    if (fromConfig[key] !== undefined) Object.assign(options, { [key]: fromConfig[key] });
  }
  if (fromConfig.lock !== undefined) options.lock = fromConfig.lock;
  if (fromConfig.autologoutMs !== undefined) options.autologoutMs = fromConfig.autologoutMs;
  if (fromConfig.capabilities !== undefined) options.capabilities = fromConfig.capabilities;
  return { options, dialectName, users: [...summaries.values()] };
}
