// (d) Memory per idle authenticated session, at 1,000 and 5,000 sessions.
// Each measurement uses a fresh server process (the mock, or the floor: a
// bare node:net server answering greeting, USER and PASS with prebuilt
// bytes); the load generator (another process) opens the sessions, logs each
// in and leaves them idle. Per session = (server RSS or heapUsed after GC with
// the sessions held − before) / sessions. Mock and floor take turns.
//
// Run: node bench/idle-memory.mjs [--quick]
import { fileURLToPath } from 'node:url';
import { Child, loadClient } from './lib/child.mjs';
import { compareRow, flags, kib, log, report } from './lib/common.mjs';

const options = flags();
const SERVER = fileURLToPath(new URL('./lib/idle-server.mjs', import.meta.url));
const COUNTS = [1000, 5000];
const REPS = options.quick ? 1 : 3;
const LOGIN = ['USER bench', 'PASS secret'];

async function measureOnce(role, n, client) {
  const server = new Child(SERVER, { execArgv: ['--expose-gc'], args: [role] });
  try {
    const { port } = await server.call('start');
    const before = await server.call('measure');
    const held = await client.call('hold', { port, n, login: LOGIN });
    if (held.errors) throw new Error(`${role}: ${held.errors} sessions failed to log in`);
    const after = await server.call('measure');
    if (after.open !== n)
      throw new Error(`${role}: ${after.open} sessions open on the server, expected ${n}`);
    await client.call('release');
    return {
      rss: (after.rss - before.rss) / n,
      heap: (after.heapUsed - before.heapUsed) / n,
      external: (after.external - before.external) / n,
    };
  } finally {
    await server.stop();
  }
}

const client = loadClient();
const rows = [];
try {
  for (const n of COUNTS) {
    const runs = { mock: [], floor: [] };
    for (let r = 0; r < REPS; r++) {
      const order = r % 2 === 0 ? ['floor', 'mock'] : ['mock', 'floor'];
      for (const role of order) {
        log(`idle-memory: ${n} sessions, ${role}`);
        runs[role].push(await measureOnce(role, n, client));
      }
    }
    for (const [key, label] of [
      ['rss', 'RSS'],
      ['heap', 'heapUsed'],
    ]) {
      rows.push(
        compareRow({
          measure: `${label} per idle authenticated session, ${n.toLocaleString('en-US')} held`,
          unit: 'KiB',
          mock: runs.mock.map((x) => kib(x[key])),
          floor: runs.floor.map((x) => kib(x[key])),
          target: '≤ 3x floor',
          limit: 3,
          better: 'lower',
          note: `${REPS} fresh server process${REPS > 1 ? 'es' : ''} each`,
        }),
      );
    }
  }
} finally {
  await client.stop();
}

report('(d) memory per idle session', rows, options);
