import { parseArgs } from 'node:util';
import { isDialectPath } from '../schema/dialect-names';
import { describeParseError, givenMoreThanOnce } from '../schema/parse-args-error';
import { userName } from '../schema/primitives';
import { UsageError } from './errors';
import { OPTION_FLAGS, type OptionFlag } from './option-flags';

/*
 * The command line read without the schemas: what `main()` needs to answer
 * --help, --version and a malformed command line, or to tell that there is a
 * server to start. The option flags' values are checked by the config file's
 * schema afterwards (flag-values.ts, parse-args.ts), which loads zod.
 */

/** One `--user NAME:PASSWORD[:PATH]` value. */
export interface UserArg {
  name: string;
  password: string;
  /** Fixture path as written (relative to the working directory), if one was given. */
  path: string | undefined;
}

/** The command line, read; the option flags' values as typed. */
export interface ReadArgs {
  help: boolean;
  version: boolean;
  config: string | undefined;
  users: UserArg[];
  /** Stop when standard input closes (`--exit-on-stdin-close`). */
  exitOnStdinClose: boolean;
  /** Keep serving after the parent process is gone (`--outlive-parent`). */
  outliveParent: boolean;
  /** `--dialect FILE` (a value with a path separator or a `.json` ending): read by the start plan. */
  dialectFile: string | undefined;
  /** Every `--faults FILE`, in the order given (relative to the working folder): read by the start plan. */
  faultFiles: string[];
  /** Each option flag's value as typed, by flag name (`max-sessions`); a `--dialect FILE` is in `dialectFile`. */
  flagValues: Readonly<Record<string, string | boolean | undefined>>;
}

/**
 * The `node:util` parseArgs description of the flags: a switch for a flag that
 * takes no value. Every value is collected (`multiple`), so that a flag given
 * twice is refused rather than its first value silently dropped.
 */
function parseArgsOptions(flags: readonly OptionFlag[]) {
  return Object.fromEntries(
    flags.map(({ flag, short, value }) => [
      flag,
      {
        ...(value === undefined ? { type: 'boolean' } : { type: 'string', multiple: true }),
        ...(short === undefined ? {} : { short }),
      } as const,
    ]),
  ) as Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }>;
}

/** Flags whose every value counts: each `--user` adds a user, each `--faults` a file of rules. */
const REPEATABLE = new Set(['user', 'faults']);

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  config: { type: 'string', short: 'c', multiple: true },
  user: { type: 'string', short: 'u', multiple: true },
  'exit-on-stdin-close': { type: 'boolean' },
  'outlive-parent': { type: 'boolean' },
  ...parseArgsOptions(OPTION_FLAGS),
} as const;

/**
 * Reads `pop3-mock` arguments with `node:util` `parseArgs` (strict: unknown
 * options and positionals are errors), and checks everything but the option
 * flags' values.
 *
 * @throws UsageError for anything malformed.
 */
export function readCliArgs(argv: readonly string[]): ReadArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const faultFiles = ((values.faults as string[] | undefined) ?? []).map(
    (file) => nonEmpty('--faults', file)!,
  );
  delete values.faults;
  for (const [flag, value] of Object.entries(values)) {
    if (Array.isArray(value) && !REPEATABLE.has(flag)) values[flag] = once(flag, value);
  }
  const users = ((values.user as string[] | undefined) ?? []).map(parseUser);
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.name)) throw new UsageError(`--user ${user.name} is given twice`);
    seen.add(user.name);
  }
  // A dialect file is read where the working folder is known (the plan); a name goes through the schema.
  const dialectFile =
    typeof values.dialect === 'string' && isDialectPath(values.dialect) ? values.dialect : undefined;
  if (dialectFile !== undefined) delete values.dialect;
  return {
    help: values.help === true,
    version: values.version === true,
    config: nonEmpty('--config', values.config as string | undefined),
    users,
    exitOnStdinClose: values['exit-on-stdin-close'] === true,
    outliveParent: values['outlive-parent'] === true,
    dialectFile,
    faultFiles,
    flagValues: values as Record<string, string | boolean | undefined>,
  };
}

/** Whether any option flag (one that sets a config key) was given. */
export function givesOptionFlags(args: ReadArgs): boolean {
  return OPTION_FLAGS.some(({ flag }) => args.flagValues[flag] !== undefined);
}

/** The one value of a flag that takes one: given more than once, which was meant cannot be known. */
function once(flag: string, values: readonly string[]): string {
  if (values.length === 1) return values[0]!;
  throw new UsageError(givenMoreThanOnce(flag, values));
}

/**
 * `NAME:PASSWORD[:PATH]`. The name ends at the first `:`, the password at the
 * second; the path is the rest, so it may itself hold colons (`C:\mail`).
 * A password with a colon cannot be given here: use a config file.
 */
export function parseUser(value: string): UserArg {
  const first = value.indexOf(':');
  // The value is not echoed: it may be a password typed with the wrong separator.
  if (first === -1) throw new UsageError('--user needs NAME:PASSWORD[:PATH] (no ":" found)');
  const name = value.slice(0, first);
  const rest = value.slice(first + 1);
  const second = rest.indexOf(':');
  const password = second === -1 ? rest : rest.slice(0, second);
  const path = second === -1 ? undefined : rest.slice(second + 1);
  // The password is never echoed back in an error, only the user name.
  if (name === '') throw new UsageError('--user needs a user name before the first ":"');
  // The name as every door checks it (no spaces, not "__proto__", ".." or "."), named by the flag.
  const refused = userName.safeParse(name).error?.issues[0];
  if (refused) throw new UsageError(`--user ${JSON.stringify(name)}: ${refused.message}`);
  if (password === '') throw new UsageError(`--user ${name}: the password is empty`);
  if (path === '') throw new UsageError(`--user ${name}: the fixture path after the second ":" is empty`);
  return { name, password, path };
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`${option} needs a value`);
  return value;
}
