// (b) Full sessions per second: greeting, USER, PASS, STAT, LIST, UIDL,
// RETR 1, RETR 2, QUIT, on a new connection each time, at 1, 8 and 64
// concurrent clients, lock-step and pipelined. The load generator is a child
// process; the mock and the floor (bare node:net server answering with the
// mock's own reply bytes) each run in a server process of their own
// (lib/variant-server.mjs) and take turns, run by run. In one process with
// the floor, the mock read 0.92x the floor pipelined at 8 clients; apart, it
// reads 0.87x-0.89x (bench/README.md, eleventh session): the two shared one
// heap and its collector, and the CPU a run read was the whole process's.
// At 8 clients the mock's CommonJS build (what jest loads) runs too, against
// the same floor: it once cost 1.3x the ES module build's CPU per session
// (bench/README.md, twenty-first session).
//
// Run: node bench/sessions.mjs [--quick]
import { fileURLToPath } from 'node:url';
import { Child, loadClient } from './lib/child.mjs';
import { compareRow, flags, log, num, report, stats } from './lib/common.mjs';
import { sessionRate } from './lib/session-load.mjs';

const options = flags();
const VARIANT_SERVER = fileURLToPath(new URL('./lib/variant-server.mjs', import.meta.url));

const DURATION_MS = options.quick ? 250 : 400;
const REPS = options.quick ? 4 : 9;
const CONCURRENCY = [1, 8, 64];
const MODES = [
  { name: 'lock-step', pipelined: false },
  { name: 'pipelined', pipelined: true },
];

const servers = {
  mock: new Child(VARIANT_SERVER, { args: ['recording'] }),
  floor: new Child(VARIANT_SERVER, { args: ['floor'] }),
  cjs: new Child(VARIANT_SERVER, { args: ['recording', '--cjs'] }),
};
const ports = {
  mock: (await servers.mock.call('start')).port,
  floor: (await servers.floor.call('start')).port,
  cjs: (await servers.cjs.call('start')).port,
};
/** The mock's servers: `cjs` (the CommonJS build) only at 8 clients, where the targets are. */
const mocksAt = (concurrency) => (concurrency === 8 ? ['mock', 'cjs'] : ['mock']);
const client = loadClient();
const rows = [];
try {
  for (const concurrency of CONCURRENCY) {
    for (const mode of MODES) {
      const config = { concurrency, pipelined: mode.pipelined, durationMs: DURATION_MS };
      const label = `${concurrency} client${concurrency > 1 ? 's' : ''}, ${mode.name}`;
      log(`sessions: ${label}`);
      const warm = { ...config, durationMs: 500 };
      const mocks = mocksAt(concurrency);
      await sessionRate(client, ports.floor, warm, servers.floor);
      for (const mock of mocks) {
        await sessionRate(client, ports[mock], warm, servers[mock]);
        await servers[mock].call('reset');
      }
      const runs = { mock: [], floor: [], cjs: [] };
      const sides = ['floor', ...mocks];
      for (let r = 0; r < REPS; r++) {
        // Every side goes first in turn.
        const k = r % sides.length;
        for (const which of [...sides.slice(k), ...sides.slice(0, k)]) {
          runs[which].push(await sessionRate(client, ports[which], config, servers[which]));
          // Transcripts are kept until reset(); drop them between runs, as a test suite would.
          if (which !== 'floor') await servers[which].call('reset');
        }
      }
      const errors = sides.reduce((n, side) => n + runs[side].reduce((m, x) => m + x.errors, 0), 0);
      const cpu = (list, key) => `${num(stats(list.map((x) => x[key] * 100)).median, 0)}%`;
      const perSession = (list) => `${num(stats(list.map((x) => x.cpuPerSession)).median, 0)} µs`;
      for (const mock of mocks) {
        rows.push(
          compareRow({
            measure: `sessions/s, ${label}${mock === 'cjs' ? ', CommonJS build' : ''}`,
            unit: 'sessions/s',
            mock: runs[mock].map((x) => x.rate),
            floor: runs.floor.map((x) => x.rate),
            // Issue #15: lock-step >= 0.7x, pipelined >= 0.8x, at 8 clients.
            target: concurrency === 8 ? `≥ ${mode.pipelined ? 0.8 : 0.7}x floor` : '',
            limit: concurrency === 8 ? (mode.pipelined ? 0.8 : 0.7) : undefined,
            better: 'higher',
            paired: true,
            note:
              `server CPU per session: mock ${perSession(runs[mock])}, floor ${perSession(runs.floor)}; ` +
              `CPU use, mock runs: server ${cpu(runs[mock], 'serverCpu')}, client ${cpu(runs[mock], 'clientCpu')}; ` +
              `floor runs: server ${cpu(runs.floor, 'serverCpu')}, client ${cpu(runs.floor, 'clientCpu')}` +
              (errors ? `; ${errors} ERRORS` : ''),
          }),
        );
      }
    }
  }
} finally {
  await client.stop();
  for (const server of Object.values(servers)) await server.stop();
}

report('(b) full sessions per second', rows, options);
