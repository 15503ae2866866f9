/**
 * Exit codes of the `pop3-mock` command and of `pop3-mock capture`, one
 * table for both: they are part of the interface (scripts and test harnesses
 * in other languages branch on them), and a number means the same whichever
 * subcommand gives it.
 */
export const ExitCode = {
  /** Stopped cleanly (SIGINT/SIGTERM/SIGHUP), `--help` / `--version`, or `capture` wrote its file. */
  ok: 0,
  /** Anything unexpected: a bug, or the system refused to listen (bad address, no permission) or to write the CA file to the temp folder. */
  unexpected: 1,
  /**
   * Bad command line: unknown option, malformed value, unknown dialect, a feature not available yet,
   * TLS flags with nothing to serve TLS; or a bad `POP3_MOCK_TOKEN`, set by whatever started the
   * command, as its flags are.
   */
  usage: 2,
  /** The port asked for with `--port` (or `port` in the config) is taken. */
  portInUse: 3,
  /** A config file, fixture, `--faults`, `--dialect` or `--ca` file that cannot be read or is not valid; a capture's `--out` that cannot be written. */
  badInput: 4,
  /** `capture`: the server refused the login or behaved in a way the script cannot take as harmless. */
  captureStopped: 5,
  /** `capture`: the server cannot be reached, or its TLS handshake failed (a certificate not trusted). */
  unreachable: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
