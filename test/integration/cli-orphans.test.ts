import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { bundleSource, type SourceBundle } from '../helpers/bundle-src';
import { RawClient } from '../helpers/raw-client';

// No orphans: the CLI ends with whoever started it. Each test watches the end
// of a stdout pipe only the CLI still holds: when it closes, the CLI is gone;
// then its port must refuse connections. Every CLI started here is killed in
// afterEach should a test fail, so none outlives the suite.

const root = resolve(__dirname, '../..');
let bundle: SourceBundle;
const pids = new Set<number>();

beforeAll(async () => {
  bundle = await bundleSource('cli.ts', 'cli.js');
});
afterAll(() => bundle?.remove());
afterEach(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: what the test wanted.
    }
  }
  pids.clear();
});

/** Lines of a stream as they arrive. */
function lines(stream: Readable): AsyncIterator<string> {
  let buffer = '';
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let at = buffer.indexOf('\n');
    while (at !== -1) {
      queue.push(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      at = buffer.indexOf('\n');
    }
    wake?.();
  });
  stream.on('close', () => {
    ended = true;
    wake?.();
  });
  return {
    async next() {
      while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      const value = queue.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}

async function nextLine(reader: AsyncIterator<string>): Promise<string> {
  const { done, value } = await reader.next();
  if (done) throw new Error('the stream ended before the line came');
  return value;
}

/** Resolves when the stream has closed: every process holding its pipe has exited. */
const closed = (stream: Readable) => new Promise<void>((r) => stream.once('close', () => r()));

function portRefuses(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
  });
}

/** A node process that starts the CLI with its stdout (not stdin), prints the CLI's pid, and stays. */
const PARENT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'inherit', 'ignore'] });
process.stdout.write('pid ' + child.pid + '\\n');
setInterval(() => {}, 1 << 30);
`;

function track(child: ChildProcess): ChildProcess {
  if (child.pid !== undefined) pids.add(child.pid);
  return child;
}

test('a CLI whose parent is SIGKILLed closes its port within 2 s', async () => {
  const parent = track(
    spawn(process.execPath, ['-e', PARENT, bundle.file, '--user', 'alice:pw'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const out = lines(parent.stdout!);
  const gone = closed(parent.stdout!);
  const first = await nextLine(out);
  pids.add(Number(first.slice(4)));
  const ready = JSON.parse(await nextLine(out)) as { port: number };
  // Serving, and it stays so while the parent lives.
  (await RawClient.login(ready.port, 'alice', 'pw')).destroy();

  const killedAt = performance.now();
  parent.kill('SIGKILL');
  await gone;
  const elapsed = performance.now() - killedAt;
  expect(await portRefuses(ready.port)).toBe(true);
  expect(elapsed).toBeLessThan(2000);
});

test('--exit-on-stdin-close: closing stdin stops the CLI with exit code 0; without it, stdin is not watched', async () => {
  const watched = track(
    spawn(process.execPath, [bundle.file, '--exit-on-stdin-close', '--user', 'alice:pw'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const unwatched = track(
    spawn(process.execPath, [bundle.file, '--user', 'alice:pw'], { stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  const logs = [watched, unwatched].map((child) => {
    let text = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      text += d;
    });
    return () => text;
  });
  const exits = [watched, unwatched].map((c) => new Promise<number | null>((r) => c.on('close', r)));
  const ports = await Promise.all(
    [watched, unwatched].map(
      async (c) => (JSON.parse(await nextLine(lines(c.stdout!))) as { port: number }).port,
    ),
  );

  watched.stdin!.end();
  unwatched.stdin!.end();
  expect(await exits[0]).toBe(0);
  expect(logs[0]!()).toContain('pop3-mock: standard input closed, closing');
  expect(await portRefuses(ports[0]!)).toBe(true);
  // The other one still serves a whole session after its stdin closed, and stops on SIGTERM.
  const client = await RawClient.login(ports[1]!, 'alice', 'pw');
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  unwatched.kill('SIGTERM');
  expect(await exits[1]).toBe(0);
  expect(logs[1]!()).toContain('SIGTERM received, closing');
  expect(logs[1]!()).not.toContain('standard input closed');
});

test('npx pop3-mock under SIGTERM leaves nothing running', async () => {
  // A folder where `npx pop3-mock` resolves the package offline: node_modules/.bin
  // links to the CLI built from the current sources. It sits inside this
  // package so the CLI's own dependencies resolve.
  const project = mkdtempSync(join(root, 'node_modules', '.cache', 'npx-project-'));
  try {
    const pkg = join(project, 'node_modules', 'pop3-mock');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    mkdirSync(join(project, 'node_modules', '.bin'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'npx-project', private: true }));
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'pop3-mock', version: '0.0.0', bin: { 'pop3-mock': 'dist/cli.js' } }),
    );
    copyFileSync(bundle.file, join(pkg, 'dist', 'cli.js'));
    chmodSync(join(pkg, 'dist', 'cli.js'), 0o755);
    symlinkSync('../pop3-mock/dist/cli.js', join(project, 'node_modules', '.bin', 'pop3-mock'));

    // `--`: npm 11 would otherwise take --user as its own (unknown) config.
    const npx = track(
      spawn('npx', ['--offline', '--no', '--', 'pop3-mock', '--user', 'alice:pw'], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const gone = closed(npx.stdout!);
    const ready = JSON.parse(await nextLine(lines(npx.stdout!))) as { port: number };
    (await RawClient.login(ready.port, 'alice', 'pw')).destroy();

    npx.kill('SIGTERM');
    await gone;
    expect(await portRefuses(ready.port)).toBe(true);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}, 30_000);
