// Shared by (b) sessions and (f) overhead: the full session script, the mock
// and floor set up for it, and one timed run through the load generator.
import { captureReplies, smallMessages } from './fixtures.mjs';
import { startFloor } from './floor.mjs';

export const USER = 'bench';
export const PASSWORD = 'secret';

/** greeting, USER, PASS, STAT, LIST, UIDL, RETR each (2 small messages), QUIT. */
export const SCRIPT = [
  { line: `USER ${USER}`, multi: false },
  { line: `PASS ${PASSWORD}`, multi: false },
  { line: 'STAT', multi: false },
  { line: 'LIST', multi: true },
  { line: 'UIDL', multi: true },
  { line: 'RETR 1', multi: true },
  { line: 'RETR 2', multi: true },
  { line: 'QUIT', multi: false },
];

/**
 * The mock with one user holding 2 small messages, `lock: 'none'` so
 * concurrent sessions of that user do not collide on the maildrop lock, and
 * a floor answering with the bytes the mock sent for the same script.
 */
export async function startPair(startPop3Mock, { withFloor = true } = {}) {
  const pop3 = await startPop3Mock({
    lock: 'none',
    users: { [USER]: { password: PASSWORD, messages: smallMessages(2, 1024) } },
  });
  if (!withFloor) return { pop3 };
  const { greeting, replies } = await captureReplies(pop3.port, SCRIPT);
  const floor = await startFloor({ greeting, replies });
  await pop3.reset();
  return { pop3, floor };
}

/**
 * One timed run of full sessions; returns sessions/s and the server's CPU use
 * (1.0 = one core). The server is this process, or `server`: a child (a
 * Child of lib/child.mjs) that answers `cpu` with its process.cpuUsage().
 */
export async function sessionRate(client, port, { concurrency, pipelined, durationMs }, server) {
  const cpuNow = server ? () => server.call('cpu') : async () => process.cpuUsage();
  const cpu0 = await cpuNow();
  const t0 = performance.now();
  const r = await client.call('sessions', { port, concurrency, pipelined, durationMs, script: SCRIPT });
  const cpu1 = await cpuNow();
  const wall = performance.now() - t0;
  const cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
  return {
    rate: (r.sessions / r.elapsedMs) * 1000,
    sessions: r.sessions,
    /** Server CPU time per session, µs: steadier than the rate on a busy machine. */
    cpuPerSession: cpu / r.sessions,
    errors: r.errors,
    clientCpu: r.clientCpu,
    serverCpu: cpu / 1000 / wall,
  };
}
