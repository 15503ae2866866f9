// A CommonJS config's export is read when it is required. A Promise there was
// taken: an async config has no keys, so it read as an empty object and the
// CLI served with no users (exit 0 at SIGTERM); users from an async call
// crashed the schema (exit 1, "unexpected error: TypeError"). Now exit 4
// naming where the Promise is, through the real CLI process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config';
import { bundleSource, type SourceBundle } from '../../helpers/bundle-src';

const WHY =
  'expected a value, got a Promise: what is given here is read at once, never awaited (await it first, or compute it synchronously)';
const USERS = "{ alice: { password: 'secret', messages: ['Subject: a\\r\\n\\r\\nx\\r\\n'] } }";

let cli: SourceBundle;
let dir: string;

beforeAll(async () => {
  cli = await bundleSource('cli.ts', 'cli.js');
  dir = mkdtempSync(join(cli.dir, 'configs-'));
});
afterAll(() => cli?.remove());

/** Runs the CLI to its exit; a server that starts instead is stopped, and its ready line returned as the failure. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli.file, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('\n')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test.each<[string, string, string]>([
  ['an async config', `module.exports = (async () => ({ users: ${USERS} }))();`, ''],
  ['users from an async call', `module.exports = { users: Promise.resolve(${USERS}) };`, 'users: '],
])('%s: exit 4 naming where the Promise is, nothing served', async (what, source, at) => {
  const file = `${what.replace(/\W+/g, '-')}.cjs`;
  writeFileSync(join(dir, file), source);
  expect(() => loadConfig(file, dir)).toThrow(`config ${file}: ${at}${WHY}`);
  expect(await run(['--config', file])).toEqual({
    code: 4,
    stdout: '',
    stderr: `pop3-mock: config ${file}: ${at}${WHY}\n`,
  });
});

test('a config without a Promise still serves', async () => {
  writeFileSync(join(dir, 'plain.cjs'), `module.exports = { users: ${USERS} };`);
  const { code, stdout } = await run(['--config', 'plain.cjs']);
  expect(code).toBe(0);
  expect(JSON.parse(stdout.split('\n')[0]!)).toMatchObject({ host: '127.0.0.1' });
  rmSync(join(dir, 'plain.cjs'));
});
