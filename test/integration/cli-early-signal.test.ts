import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleSource, type SourceBundle } from '../helpers/bundle-src';

// The CLI promises exit code 0 on SIGINT, SIGTERM or SIGHUP (--help). A signal that comes while it loads
// and reads its options, before run() listens, used to end the process by the signal. The CLI is
// held in its read of the config file (test/helpers/hold-config-read.cjs) and signalled there.

let bundle: SourceBundle;
let dir: string;

beforeAll(async () => {
  bundle = await bundleSource('cli.ts', 'cli.js');
  dir = mkdtempSync(join(tmpdir(), 'pop3-mock-early-signal-'));
});
afterAll(() => {
  bundle?.remove();
  rmSync(dir, { recursive: true, force: true });
});

test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
  '%s while the CLI reads its config, before it serves: exit 0, no ready line',
  async (signal) => {
    const config = join(dir, `held-${signal}.json`);
    const release = join(dir, `release-${signal}`);
    writeFileSync(config, JSON.stringify({ users: { alice: 'pw' } }));
    const child = spawn(
      process.execPath,
      ['-r', join(__dirname, '../helpers/hold-config-read.cjs'), bundle.file, '--config', config],
      {
        env: { ...process.env, HOLD_CONFIG: config, HOLD_RELEASE: release },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, by) => resolve({ code, signal: by })),
    );
    try {
      const lines = createInterface({ input: child.stderr! });
      await new Promise<void>((resolve) =>
        lines.on('line', (line) => {
          if (line === 'hold-config-read: holding') resolve();
        }),
      );
      child.kill(signal);
      writeFileSync(release, '');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(stdout).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  },
);
