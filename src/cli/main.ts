import { ConfigError } from '../config/config-error';
import { ExitCode } from '../exit-codes';
import { FixtureError } from '../fixtures/types';
import { InputError } from '../schema/input-error';
import { CliError } from './errors';
import type { EarlyStop } from './listen-early';
import { packageVersion } from './package-version';
import { givesOptionFlags, readCliArgs } from './read-args';
import type { CliIo } from './run';

/** The real process streams. */
export const processIo: CliIo = {
  out: (line) => writeLine(process.stdout, line),
  err: (line) => writeLine(process.stderr, line),
};

/** Streams whose reader has gone (`| head` ended): their lines are dropped. */
const gone = new WeakSet<NodeJS.WriteStream>();

/**
 * Writes a line unless the reader is gone. A write to a closed pipe fails
 * later with EPIPE, which unhandled would end the server before its
 * cleanup (the CA file it wrote stayed behind); so the failure only stops
 * the writing, and the server serves on until it is stopped.
 */
function writeLine(stream: NodeJS.WriteStream, line: string): void {
  if (gone.has(stream)) return;
  if (stream.listenerCount('error') === 0) stream.on('error', () => gone.add(stream));
  stream.write(`${line}\n`);
}

/**
 * The whole `pop3-mock` command: resolves with the exit code. Expected
 * failures (bad flags, config, fixtures, a port in use) are reported as one
 * stderr line; anything else is a bug and is printed with its stack (code 1).
 * `early`: the stop signals caught since the process began (the CLI's
 * entry), which a serving CLI answers with exit 0 once it is there.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  cwd = process.cwd(),
  early?: EarlyStop,
): Promise<number> {
  // `pop3-mock capture ...`: its own flags and usage (src/capture/capture-command.ts).
  // Loaded only for it: a serving CLI (every test that starts one) does not pay for the capture code.
  if (argv[0] === 'capture') {
    releaseEarly(early);
    const { runCaptureCommand } = await import('../capture/capture-command.js');
    return runCaptureCommand(argv.slice(1), { out: (t) => io.out(t.trimEnd()), err: io.err }, cwd);
  }
  try {
    // The command line is read before the schemas (zod) and the server load: --help, --version
    // and a malformed command line answer without them; tests start the CLI for their exit codes.
    const args = readCliArgs(argv);
    if (args.help || args.version) {
      releaseEarly(early);
      // A bad option flag value is a usage error before any answer; checking one loads the schemas.
      if (givesOptionFlags(args)) (await import('./parse-args.js')).checkCliArgs(args);
      if (args.help) {
        // The usage text lists the config file's keys, read from its schema.
        const { USAGE } = await import('./usage.js');
        io.out(USAGE.trimEnd());
      } else io.out(packageVersion());
      return ExitCode.ok;
    }
    const { serve } = await import('./serve.js');
    return await serve(args, io, cwd, early);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`pop3-mock: ${error.message}`);
      if (error.exitCode === ExitCode.usage) io.err('Run pop3-mock --help for usage.');
      return error.exitCode;
    }
    if (error instanceof ConfigError || error instanceof InputError || error instanceof FixtureError) {
      // What the user handed over (a config file, a fixture, a faults file) is wrong: say where.
      io.err(`pop3-mock: ${error.message}`);
      return ExitCode.badInput;
    }
    io.err(
      `pop3-mock: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.unexpected;
  }
}

/** Not serving: the early listeners go, and a signal they caught ends the process, as it would have without them. */
function releaseEarly(early: EarlyStop | undefined): void {
  const signal = early?.take();
  if (signal !== undefined) process.kill(process.pid, signal);
}
