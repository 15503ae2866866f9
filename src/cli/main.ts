import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { ExitCode } from '../exit-codes';
import { FixtureError } from '../fixtures/types';
import { pathText } from '../schema/check';
import { InputError } from '../schema/input-error';
import { buildStartPlan } from './build-options';
import { CliError } from './errors';
import { parseCliArgs } from './parse-args';
import { type CliIo, run } from './run';
import { packageVersion, USAGE } from './usage';

/** The real process streams. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The whole `pop3-mock` command: resolves with the exit code. Expected
 * failures (bad flags, config, fixtures, a port in use) are reported as one
 * stderr line; anything else is a bug and is printed with its stack (code 1).
 */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  cwd = process.cwd(),
): Promise<number> {
  // `pop3-mock capture ...`: its own flags and usage (src/capture/capture-command.ts).
  // Loaded only for it: a serving CLI (every test that starts one) does not pay for the capture code.
  if (argv[0] === 'capture') {
    const { runCaptureCommand } = await import('../capture/capture-command.js');
    return runCaptureCommand(argv.slice(1), { out: (t) => io.out(t.trimEnd()), err: io.err }, cwd);
  }
  // Users given with --user: a fixture error names the flag, not the options path it became.
  let flagUsers: readonly { readonly name: string }[] = [];
  try {
    const args = parseCliArgs(argv);
    flagUsers = args.users;
    if (args.help) {
      io.out(USAGE.trimEnd());
      return ExitCode.ok;
    }
    if (args.version) {
      io.out(packageVersion());
      return ExitCode.ok;
    }
    const config = args.config === undefined ? undefined : loadConfig(args.config, cwd);
    return await run(buildStartPlan(args, config, cwd), io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`pop3-mock: ${error.message}`);
      if (error.exitCode === ExitCode.usage) io.err('Run pop3-mock --help for usage.');
      return error.exitCode;
    }
    if (error instanceof FixtureError) {
      io.err(`pop3-mock: ${fixturePlace(error, flagUsers)}`);
      return ExitCode.badInput;
    }
    if (error instanceof ConfigError || error instanceof InputError) {
      // What the user handed over (a config file, a faults file) is wrong: say where.
      io.err(`pop3-mock: ${error.message}`);
      return ExitCode.badInput;
    }
    io.err(
      `pop3-mock: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.unexpected;
  }
}

/** A fixture error's message; one of a `--user NAME:PASSWORD:PATH` fixture names that flag. */
function fixturePlace(error: FixtureError, flagUsers: readonly { readonly name: string }[]): string {
  const user = flagUsers.find((u) => error.path === pathText(['users', u.name, 'messages', 0]));
  return user === undefined ? error.message : `--user ${user.name}: ${error.problem}`;
}
