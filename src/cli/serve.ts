import { loadConfig } from '../config/load-config';
import { FixtureError } from '../fixtures/types';
import { pathText } from '../schema/check';
import { buildStartPlan } from './build-options';
import { checkCliArgs } from './parse-args';
import type { ReadArgs } from './read-args';
import { type CliIo, run } from './run';

/**
 * A serving start: the option flags' values checked, the config file read,
 * the server run until it is stopped. `main()` loads this module (the schemas,
 * the server) only once the command line asks for a server.
 */
export async function serve(read: ReadArgs, io: CliIo, cwd: string): Promise<number> {
  const args = checkCliArgs(read);
  const config = args.config === undefined ? undefined : loadConfig(args.config, cwd);
  try {
    return await run(buildStartPlan(args, config, cwd), io);
  } catch (error) {
    throw error instanceof FixtureError ? flagPlace(error, args.users) : error;
  }
}

/** A fixture of a `--user NAME:PASSWORD:PATH` flag is named by that flag, not the options path it became. */
function flagPlace(error: FixtureError, flagUsers: readonly { readonly name: string }[]): FixtureError {
  const user = flagUsers.find((u) => error.path === pathText(['users', u.name, 'messages', 0]));
  return user === undefined
    ? error
    : new FixtureError(error.problem, { cause: error.cause, path: `--user ${user.name}` });
}
