/**
 * Exit codes of the `pop3-mock` command. They are part of its interface:
 * scripts and test harnesses in other languages branch on them.
 */
export const ExitCode = {
  /** Stopped cleanly (SIGINT/SIGTERM), or `--help` / `--version`. */
  ok: 0,
  /** Anything unexpected: a bug, or the system refused to listen (bad address, no permission). */
  unexpected: 1,
  /** Bad command line: unknown option, malformed value, unknown dialect, a feature not available yet. */
  usage: 2,
  /** The port asked for with `--port` (or `port` in the config) is taken. */
  portInUse: 3,
  /** A config file or fixture that cannot be read or is not valid. */
  badInput: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

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
