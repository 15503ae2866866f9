import { resolve } from 'node:path';
import { optionsFromConfig } from '../config/config-options';
import { tokenFromEnv } from '../config/env-token';
import type { CliConfig } from '../config/load-config';
import { loadDialect } from '../config/load-dialect';
import type { Pop3MockOptions, UserOptions } from '../options';
import { isDialectPath } from '../schema/dialect-names';
import { asUsage } from './errors';
import { type FaultOrigin, faultFilesRules } from './fault-files';
import { writtenAt } from './option-place';
import type { CliArgs } from './parse-args';

/** A user as the logs show it: where to find the password, and the password itself only when it is demo data. */
export interface UserSummary {
  name: string;
  /** E.g. `see examples/pop3-mock.config.json` or `the one given with --user`. */
  passwordSource: string;
  /** Set only for a config file marked `"demo": true`: the logs may show it. */
  demoPassword?: string;
}

/**
 * Ended sessions the CLI keeps unless `--keep-sessions` or the config says
 * otherwise. A CLI often runs for days: unbounded, its transcripts grow by a
 * few KB per session (bench (i)). 1000 full sessions hold a few MB, more
 * than the browser view lists (its newest 500) and more than a test run
 * against a shared server usually makes between two resets.
 */
const CLI_KEEP_SESSIONS = 1000;

/** Everything needed to start the server, merged from the config file and the flags. */
export interface StartPlan {
  options: Pop3MockOptions;
  dialectName: string;
  users: UserSummary[];
  /** Stop when standard input closes. */
  exitOnStdinClose: boolean;
  /** Keep serving after the parent process is gone. */
  outliveParent: boolean;
  /** Where each of `options.faults`' rules was written, when several `--faults` files were read into one list. */
  faultOrigins?: FaultOrigin[];
  /** Where an option (its path, `control.port`) was written: `--control-port`, or `config pop3.json: controlPort`. */
  writtenAt?: (path: string) => string | undefined;
}

/**
 * Merges config and flags: flags win over config values, `--user` adds users
 * (or replaces a config user of the same name), the `--faults` files (all of
 * them, in the order given) replace the config's `faults`. Relative fixture paths of the
 * config resolve against its folder, those of `--user` and `--faults` against
 * `cwd`. A port that was asked for is that port: a taken one fails (no
 * fallback), but for the POP3 `port` when the config sets `portFallback: true`
 * and `--port` was not given.
 * Flag values were checked by the config file's schema when they were parsed.
 */
export function buildStartPlan(
  args: CliArgs,
  config: CliConfig | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): StartPlan {
  const flags = { ...args.options };
  // --faults replaces the config's faults, as any flag its key. Relative to where the command was typed:
  // one file goes as its path (the server reads it), several are read here as one list, in the order given.
  const [faultFile, ...moreFaultFiles] = args.faultFiles;
  let faultOrigins: FaultOrigin[] | undefined;
  if (faultFile !== undefined && moreFaultFiles.length === 0) flags.faults = resolve(cwd, faultFile);
  else if (faultFile !== undefined) {
    const read = faultFilesRules(args.faultFiles, cwd);
    flags.faults = read.rules;
    faultOrigins = read.origins;
  }
  // A flag that sets one field of an object key (--tls-certificate) keeps the config's other fields.
  if (flags.tls !== undefined && config?.options.tls !== undefined)
    flags.tls = { ...config.options.tls, ...flags.tls };
  const merged = optionsFromConfig({
    // `--dialect FILE` wins over the config's dialect, whose file (if it names one) is then not read.
    options: { ...config?.options, ...flags, ...(args.dialectFile !== undefined && { dialect: undefined }) },
    baseDir: config?.baseDir ?? cwd,
    displayPath: config?.displayPath ?? '',
  });

  const users: Record<string, UserOptions | string> = Object.create(null);
  const summaries = new Map<string, UserSummary>();
  const demo = config?.options.demo === true;
  for (const [name, user] of Object.entries(merged.users ?? {})) {
    users[name] = user;
    const password = typeof user === 'string' ? user : user.password;
    summaries.set(name, {
      name,
      passwordSource: `see ${config?.displayPath}`,
      ...(demo ? { demoPassword: password } : {}),
    });
  }
  for (const user of args.users) {
    // { path } rather than a string: a string path gets a "raw message" hint that does not fit here.
    const messages = user.path === undefined ? [] : [{ path: resolve(cwd, user.path) }];
    users[user.name] = { password: user.password, messages };
    summaries.set(user.name, { name: user.name, passwordSource: 'the one given with --user' });
  }

  // `--dialect ./my-server.json`: a dialect file, checked by its schema (exit 4 when wrong).
  const fileDialect = args.dialectFile === undefined ? undefined : loadDialect(args.dialectFile, cwd);
  const dialect = fileDialect ?? merged.dialect ?? 'rfc';
  // A file's dialect is named with the path it was given by (the flag's, else the config's).
  const dialectPath = args.dialectFile ?? configDialectPath(config);
  const dialectName =
    typeof dialect === 'string'
      ? dialect
      : `${dialect.name}${dialectPath === undefined ? '' : ` (${dialectPath})`}`;
  const options: Pop3MockOptions = {
    ...merged,
    host: merged.host ?? '127.0.0.1',
    port: merged.port ?? 0,
    // A port that was asked for is that port, unless the config allows another.
    portFallback: flags.port === undefined ? (merged.portFallback ?? false) : false,
    keepSessions: merged.keepSessions ?? CLI_KEEP_SESSIONS,
    users,
    dialect,
  };
  // The token comes from the environment when the parent process chose it; else it is random.
  // A bad one is how the CLI was started, as a flag is (exit 2), not a file it read (4).
  if (typeof merged.control === 'object')
    options.control = { port: merged.control.port, token: asUsage(() => tokenFromEnv(env)) };
  return {
    options,
    dialectName,
    users: [...summaries.values()],
    exitOnStdinClose: args.exitOnStdinClose,
    outliveParent: args.outliveParent,
    ...(faultOrigins && { faultOrigins }),
    writtenAt: (path) => writtenAt(path, args.options, config),
  };
}

/** The dialect file's path a config gives, if it gives one (not a preset's name or a file's object). */
function configDialectPath(config: CliConfig | undefined): string | undefined {
  const dialect = config?.options.dialect;
  return typeof dialect === 'string' && isDialectPath(dialect) ? dialect : undefined;
}
