#!/usr/bin/env node
/**
 * `pop3-mock`: the standalone server, for test suites outside Node.
 * Usage and exit codes: `pop3-mock --help` (src/cli/usage.ts).
 */
// First: a stop signal during the start is noted, not the end of the process (see the file).
import { earlyStop } from './cli/listen-early';
import { main } from './cli/main';

/** Grace period for stdout/stderr to drain before a forced exit, should a handle linger. */
const EXIT_GRACE_MS = 2000;

main(process.argv.slice(2), undefined, undefined, earlyStop).then(
  (code) => {
    process.exitCode = code;
    // close() leaves nothing behind, so the process ends by itself; this only guards against a leak.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    process.stderr.write(`pop3-mock: unexpected error: ${String(error)}\n`);
    process.exit(1);
  },
);
