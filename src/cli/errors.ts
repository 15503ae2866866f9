import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { InputError } from '../schema/input-error';

/** An error the CLI reports as one line on stderr, exiting with {@link CliError.exitCode}. */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
  }
}

/** A command-line mistake: exit code 2, with a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/**
 * `check()`'s value, its InputError as a usage error with the same message:
 * for what the command that started the CLI got wrong (a flag's value, the
 * POP3_MOCK_TOKEN its parent set), not a file it read.
 */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
}
