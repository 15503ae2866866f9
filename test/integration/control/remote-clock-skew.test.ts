import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectPop3Mock } from '../../../src';
import { bundleSource, type SourceBundle } from '../../helpers/bundle-src';
import { startHeldLink } from '../../helpers/held-link';
import { RawClient } from '../../helpers/raw-client';

// A server on a host whose clock is off (the CLI with its clock moved, see shift-clock.cjs): the
// remote client's waits still decide "after the call" as in process. GET /api/status and the event
// stream's first line give the server's time, and the client takes the difference when it is larger
// than the round trip (to within half of it: an event that close to the call may fall on either side).

let bundle: SourceBundle;
/** One server per clock shift, shared by the tests: each test logs in and connects a remote of its own. */
const servers = new Map<number, Promise<Ready>>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  bundle = await bundleSource('cli.ts', 'cli.js');
});
afterAll(() => {
  for (const child of children) child.kill();
  bundle?.remove();
});

/**
 * Lets 50 ms pass: the commands of a test are that far from the call it checks. The client knows the
 * server's clock only to within half a control round trip (a few ms on a loaded machine), so a
 * command sent right after the call may be taken on either side of it; 3 s of skew are far more.
 */
const clockMovesOn = () => new Promise((resolve) => setTimeout(resolve, 50));

interface Ready {
  port: number;
  controlUrl: string;
  controlToken: string;
}

function serverWithClockOff(shiftMs: number): Promise<Ready> {
  let ready = servers.get(shiftMs);
  if (ready === undefined) {
    ready = startServer(shiftMs);
    servers.set(shiftMs, ready);
  }
  return ready;
}

async function startServer(shiftMs: number): Promise<Ready> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(__dirname, '../../helpers/shift-clock.cjs'),
      bundle.file,
      '--user',
      'alice:pw',
      '--lock',
      'none',
      '--control-port',
      '0',
    ],
    { env: { ...process.env, SHIFT_CLOCK_MS: String(shiftMs) }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  children.push(child);
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', resolve),
  );
  return JSON.parse(line) as Ready;
}

test('a server clock 3 s behind: remote on() hears the commands sent after its call, not the login before', async () => {
  const ready = await serverWithClockOff(-3000);
  const remote = await connectPop3Mock({ url: ready.controlUrl, token: ready.controlToken });
  const client = await RawClient.login(ready.port, 'alice', 'pw');
  await clockMovesOn();
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

test('a server clock 3 s behind: remote on() hears a command recorded before its stream is connected', async () => {
  const ready = await serverWithClockOff(-3000);
  const link = await startHeldLink(Number(new URL(ready.controlUrl).port));
  const remote = await connectPop3Mock({ url: `http://127.0.0.1:${link.port}`, token: ready.controlToken });
  const client = await RawClient.login(ready.port, 'alice', 'pw');
  await clockMovesOn();
  try {
    const heard: string[] = [];
    // The stream's request waits on the link: the command is recorded after the call and before
    // the stream connects, so only its replay (from the call, on the server's clock) brings it.
    link.hold();
    const off = remote.on('command', (event) => {
      if (event.type === 'command') heard.push(event.raw);
    });
    await clockMovesOn();
    await client.command('NOOP gap');
    link.release();
    await remote.listening();
    while (!heard.includes('NOOP end')) await client.command('NOOP end');
    off();
    expect(heard[0]).toBe('NOOP gap');
  } finally {
    client.destroy();
    await remote.close();
    await link.close();
  }
});

test.each([
  ['ahead', 3000],
  ['behind', -3000],
])(
  'a server clock 3 s %s: remote waitForCommand() takes the command after its call, not the one before',
  async (_, shift) => {
    const ready = await serverWithClockOff(shift);
    const link = await startHeldLink(Number(new URL(ready.controlUrl).port));
    const remote = await connectPop3Mock({ url: `http://127.0.0.1:${link.port}`, token: ready.controlToken });
    const client = await RawClient.login(ready.port, 'alice', 'pw');
    try {
      await client.command('NOOP before');
      await clockMovesOn();
      // The wait's request reaches the server after both commands: the call's time decides.
      link.hold();
      const waiting = remote.waitForCommand('NOOP *', { timeoutMs: 2500 });
      await clockMovesOn();
      await client.command('NOOP after');
      link.release();
      expect((await waiting).raw).toBe('NOOP after');
    } finally {
      client.destroy();
      await remote.close();
      await link.close();
    }
  },
);
