// (b) Full sessions per second: greeting, USER, PASS, STAT, LIST, UIDL,
// RETR 1, RETR 2, QUIT, on a new connection each time, at 1, 8 and 64
// concurrent clients, lock-step and pipelined. The load generator is a child
// process; the mock and the floor (bare node:net server answering with the
// mock's own reply bytes) live in this process and take turns, run by run.
//
// Run: node bench/sessions.mjs [--quick]
import { loadClient } from './lib/child.mjs';
import { compareRow, flags, loadPackage, log, num, report, stats } from './lib/common.mjs';
import { sessionRate, startPair } from './lib/session-load.mjs';

const options = flags();
const { startPop3Mock } = await loadPackage();

const DURATION_MS = options.quick ? 250 : 400;
const REPS = options.quick ? 4 : 9;
const CONCURRENCY = [1, 8, 64];
const MODES = [
  { name: 'lock-step', pipelined: false },
  { name: 'pipelined', pipelined: true },
];

const { pop3, floor } = await startPair(startPop3Mock);
const client = loadClient();
const rows = [];
try {
  for (const concurrency of CONCURRENCY) {
    for (const mode of MODES) {
      const config = { concurrency, pipelined: mode.pipelined, durationMs: DURATION_MS };
      const label = `${concurrency} client${concurrency > 1 ? 's' : ''}, ${mode.name}`;
      log(`sessions: ${label}`);
      const warm = { ...config, durationMs: 500 };
      await sessionRate(client, floor.port, warm);
      await sessionRate(client, pop3.port, warm);
      await pop3.reset();
      const runs = { mock: [], floor: [] };
      for (let r = 0; r < REPS; r++) {
        const order = r % 2 === 0 ? ['floor', 'mock'] : ['mock', 'floor'];
        for (const which of order) {
          const port = which === 'mock' ? pop3.port : floor.port;
          runs[which].push(await sessionRate(client, port, config));
          // Transcripts are kept until reset(); drop them between runs, as a test suite would.
          if (which === 'mock') await pop3.reset();
        }
      }
      const errors =
        runs.mock.reduce((n, x) => n + x.errors, 0) + runs.floor.reduce((n, x) => n + x.errors, 0);
      const cpu = (list, key) => `${num(stats(list.map((x) => x[key] * 100)).median, 0)}%`;
      const perSession = (list) => `${num(stats(list.map((x) => x.cpuPerSession)).median, 0)} µs`;
      rows.push(
        compareRow({
          measure: `sessions/s, ${label}`,
          unit: 'sessions/s',
          mock: runs.mock.map((x) => x.rate),
          floor: runs.floor.map((x) => x.rate),
          // Issue #15: lock-step >= 0.7x, pipelined >= 0.8x, at 8 clients.
          target: concurrency === 8 ? `≥ ${mode.pipelined ? 0.8 : 0.7}x floor` : '',
          limit: concurrency === 8 ? (mode.pipelined ? 0.8 : 0.7) : undefined,
          better: 'higher',
          paired: true,
          note:
            `server CPU per session: mock ${perSession(runs.mock)}, floor ${perSession(runs.floor)}; ` +
            `CPU use, mock runs: server ${cpu(runs.mock, 'serverCpu')}, client ${cpu(runs.mock, 'clientCpu')}; ` +
            `floor runs: server ${cpu(runs.floor, 'serverCpu')}, client ${cpu(runs.floor, 'clientCpu')}` +
            (errors ? `; ${errors} ERRORS` : ''),
        }),
      );
    }
  }
} finally {
  await client.stop();
  await pop3.close();
  await floor.close();
}

report('(b) full sessions per second', rows, options);
