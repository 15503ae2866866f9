import { loadConfig } from '../config/load-config';
import { FixtureError } from '../fixtures/types';
import { pathText } from '../schema/check';
import { InputError, OPTIONS_SOURCE } from '../schema/input-error';
import { buildStartPlan, type StartPlan } from './build-options';
import type { EarlyStop } from './listen-early';
import { placeOptionIssues } from './option-place';
import { checkCliArgs } from './parse-args';
import type { ReadArgs } from './read-args';
import { type CliIo, run } from './run';

/**
 * A serving start: the option flags' values checked, the config file read,
 * the server run until it is stopped. `main()` loads this module (the schemas,
 * the server) only once the command line asks for a server.
 */
export async function serve(read: ReadArgs, io: CliIo, cwd: string, early?: EarlyStop): Promise<number> {
  const args = checkCliArgs(read);
  const config = args.config === undefined ? undefined : loadConfig(args.config, cwd);
  let plan: StartPlan | undefined;
  try {
    plan = buildStartPlan(args, config, cwd);
    return await run(plan, io, early);
  } catch (error) {
    if (error instanceof InputError && error.source === OPTIONS_SOURCE)
      throw placeOptionIssues(error, args.options, config, plan?.faultOrigins);
    throw error instanceof FixtureError ? cliPlace(error, args.users, config?.displayPath) : error;
  }
}

/**
 * Where the command line gave a fixture: a `--user NAME:PASSWORD:PATH`
 * flag's is named by that flag, a config file's by the file and its path in
 * it (as its schema errors are), not by the options path they became.
 */
function cliPlace(
  error: FixtureError,
  flagUsers: readonly { readonly name: string }[],
  configFile: string | undefined,
): FixtureError {
  const user = flagUsers.find((u) => error.path === pathText(['users', u.name, 'messages', 0]));
  if (user !== undefined) return error.placedAt(`--user ${user.name}`);
  if (configFile !== undefined && error.path.startsWith('users')) {
    return error.placedAt(`config ${configFile}: ${error.path}`);
  }
  return error;
}
