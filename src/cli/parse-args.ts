import { checkFlagValues, type FlagOptions } from './flag-values';
import { OPTION_FLAGS } from './option-flags';
import { type ReadArgs, readCliArgs } from './read-args';

export type { UserArg } from './read-args';

/** The command line, parsed; option flags checked by the config file's schema. */
export interface CliArgs extends Omit<ReadArgs, 'flagValues'> {
  /** The option flags, keyed as in a config file (`--max-sessions 3` gives `{ maxSessions: 3 }`). */
  options: FlagOptions;
}

/**
 * Parses `pop3-mock` arguments: {@link readCliArgs}, then each option flag's
 * value checked by its config key's schema.
 *
 * @throws UsageError for anything malformed.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  return checkCliArgs(readCliArgs(argv));
}

/** Read arguments with their option flags' values checked (the schemas load with this module). */
export function checkCliArgs({ flagValues, ...args }: ReadArgs): CliArgs {
  return { ...args, options: checkFlagValues(OPTION_FLAGS, flagValues) };
}
