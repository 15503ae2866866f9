import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectPop3Mock } from '../../../src';
import { bundleSource, type SourceBundle } from '../../helpers/bundle-src';
import { RawClient } from '../../helpers/raw-client';

// A server on a host whose clock is behind (the CLI with its clock moved, see shift-clock.cjs):
// the remote client's on() still hears the commands sent after its call. The stream's first line
// gives the server's time, and the client takes the difference when it is larger than the round
// trip (to within half of it: an event that close to the call may fall on either side).

let bundle: SourceBundle;
let child: ChildProcess | undefined;

beforeAll(async () => {
  bundle = await bundleSource('cli.ts', 'cli.js');
});
afterAll(() => bundle?.remove());
afterEach(() => {
  child?.kill();
  child = undefined;
});

async function serverWithClockOff(shiftMs: number) {
  child = spawn(
    process.execPath,
    [
      '-r',
      join(__dirname, '../../helpers/shift-clock.cjs'),
      bundle.file,
      '--user',
      'alice:pw',
      '--control-port',
      '0',
    ],
    { env: { ...process.env, SHIFT_CLOCK_MS: String(shiftMs) }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child!.stdout! }).once('line', resolve),
  );
  return JSON.parse(line) as { port: number; controlUrl: string; controlToken: string };
}

test('a server clock 3 s behind: remote on() hears the command sent right after its call', async () => {
  const ready = await serverWithClockOff(-3000);
  const remote = await connectPop3Mock({ url: ready.controlUrl, token: ready.controlToken });
  const client = await RawClient.login(ready.port, 'alice', 'pw');
  try {
    const heard: string[] = [];
    const off = remote.on('command', (event) => {
      if (event.type === 'command') heard.push(event.raw);
    });
    await remote.listening();
    await client.command('NOOP after');
    // Until the listener hears one: a listener that misses events misses these too, for a while.
    while (!heard.includes('NOOP end')) await client.command('NOOP end');
    off();
    expect(heard.slice(0, 2)).toEqual(['NOOP after', 'NOOP end']);
  } finally {
    client.destroy();
    await remote.close();
  }
});
