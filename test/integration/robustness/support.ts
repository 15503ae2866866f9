// Helpers shared by the robustness tests (test/integration/robustness/).
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock } from '../../../src';
import { systemClock } from '../../../src/clock';
import { hostProcess } from '../../helpers/host-errors';

export { hostProcess, watchHost } from '../../helpers/host-errors';

let gcFunction: (() => void) | undefined;

/** One full garbage collection (a mark-compact), without starting node with --expose-gc. */
export function oneGc(): void {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/** Full garbage collection, twice (weak callbacks run in between): what a long run gets back eventually. */
export async function fullGc(): Promise<void> {
  oneGc();
  await new Promise((resolve) => setImmediate(resolve));
  oneGc();
}

/** Memory that would grow with buffered input: JS heap and Buffers. */
export async function retainedBytes(): Promise<{ heapUsed: number; arrayBuffers: number }> {
  await fullGc();
  const { heapUsed, arrayBuffers } = hostProcess.memoryUsage();
  return { heapUsed, arrayBuffers };
}

/**
 * Sockets, servers and other handles alive in the process, by kind
 * (`process.getActiveResourcesInfo()`). Timers are left out: the mock's are
 * unref'd and never listed (count them with {@link trackingClock}), and
 * jest's own come and go.
 */
export function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of hostProcess.getActiveResourcesInfo()) {
    if (kind === 'Immediate' || kind === 'FSReqCallback' || kind === 'Timeout') continue;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * Resolves once no handle kind counts more than in `baseline` (sockets close a turn or two after
 * `destroy`); fails with the kinds still above it. Fewer is fine: handles the process had before
 * the test (an earlier test file's child process and its pipes, in the same jest worker) close
 * when they close, and the test did not open them.
 */
export async function expectHandlesBackTo(baseline: Record<string, number>, turns = 50): Promise<void> {
  let left = above(handles(), baseline);
  for (let i = 0; i < turns && Object.keys(left).length > 0; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    left = above(handles(), baseline);
  }
  expect(left).toEqual({});
}

/** The kinds `now` counts more of than `baseline`, with how many more. */
function above(now: Record<string, number>, baseline: Record<string, number>): Record<string, number> {
  const more: Record<string, number> = {};
  for (const [kind, count] of Object.entries(now)) {
    if (count > (baseline[kind] ?? 0)) more[kind] = count - (baseline[kind] ?? 0);
  }
  return more;
}

/** A real-time clock that counts the mock's timers still pending (started, not fired, not cancelled). */
export function trackingClock(): { clock: Clock; pending(): number } {
  const live = new Set<object>();
  const clock: Clock = {
    now: () => systemClock.now(),
    setTimeout(callback, ms) {
      const token = {};
      live.add(token);
      const handle = systemClock.setTimeout(() => {
        live.delete(token);
        callback();
      }, ms);
      return {
        cancel() {
          live.delete(token);
          handle.cancel();
        },
      };
    },
  };
  return { clock, pending: () => live.size };
}

/** A connected plain socket that swallows its errors. */
export async function rawSocket(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves when the socket has closed. */
export function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

/** Writes `total` bytes of `fill` without a line end, 64 KiB at a time, with backpressure. */
export async function writeWithoutLineEnd(socket: Socket, total: number, fill = 0x41): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  for (let sent = 0; sent < total && !socket.destroyed; sent += chunk.length) {
    const piece = total - sent < chunk.length ? chunk.subarray(0, total - sent) : chunk;
    await new Promise<void>((resolve) => socket.write(piece, () => resolve()));
  }
}
