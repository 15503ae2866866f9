// CPU profile of the mock alone under one benchmark's load, or a summary of
// any .cpuprofile file (e.g. one written by `node --cpu-prof`).
//
//   node bench/profile.mjs sessions            8 clients, lock-step full sessions
//   node bench/profile.mjs sessions-pipelined  8 clients, pipelined
//   node bench/profile.mjs retr-dots           RETR of 50 MB, half the lines start with '.'
//   node bench/profile.mjs retr-plain          RETR of 50 MB, no dots
//   node bench/profile.mjs lifecycle           start → greeting → close, in-process, 10 Buffers
//   node bench/profile.mjs lifecycle-files     the same with 10 .eml files by path
//   node bench/profile.mjs --read FILE.cpuprofile
//
// The profile covers only the mock's work (set-up and the floor stay out),
// is written to $TMPDIR/pop3-mock-<name>.cpuprofile (open it in Chrome
// DevTools or speedscope), and its top self-time functions are printed.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClient } from './lib/child.mjs';
import { loadPackage } from './lib/common.mjs';
import { printTop, profiled, topSelf } from './lib/cpu-profile.mjs';
import { bigMessage, smallMessages } from './lib/fixtures.mjs';
import { emlFiles, timedCycle } from './lib/lifecycle-cycle.mjs';
import { sessionRate, startPair } from './lib/session-load.mjs';

const args = process.argv.slice(2);
if (args[0] === '--read') {
  const profile = JSON.parse(readFileSync(args[1], 'utf8'));
  printTop(topSelf(profile, 30), args[1]);
  process.exit(0);
}

const name = args[0] ?? 'sessions';
const { startPop3Mock, rfcDialect } = await loadPackage();
const client = loadClient();

const workloads = {
  async sessions(pipelined = false) {
    const { pop3, floor } = await startPair(startPop3Mock);
    await floor.close();
    const config = { concurrency: 8, pipelined, durationMs: 500 };
    await sessionRate(client, pop3.port, config);
    await pop3.reset();
    const run = await profiled(() => sessionRate(client, pop3.port, { ...config, durationMs: 3000 }));
    await pop3.close();
    return { ...run, summary: `${run.result.rate.toFixed(0)} sessions/s` };
  },
  'sessions-pipelined'() {
    return workloads.sessions(true);
  },
  async retr(dots) {
    const { raw, stuffed } = bigMessage(50_000_000, dots);
    const pop3 = await startPop3Mock({ users: { big: { password: 'pw', messages: [{ raw, uid: 'big' }] } } });
    const expectedBytes =
      Buffer.byteLength(`+OK ${rfcDialect.texts.retrieved(raw.length)}\r\n`) + stuffed.length + 3;
    const call = { port: pop3.port, login: ['USER big', 'PASS pw'], retr: 'RETR 1', expectedBytes };
    await client.call('retr', { ...call, times: 2 });
    const run = await profiled(() => client.call('retr', { ...call, times: 5 }));
    await pop3.close();
    const mbs = run.result.ms.map((ms) => (expectedBytes / 1000 / ms).toFixed(0));
    return { ...run, summary: `MB/s per RETR: ${mbs.join(', ')}` };
  },
  'retr-dots'() {
    return workloads.retr(true);
  },
  'retr-plain'() {
    return workloads.retr(false);
  },
  lifecycle() {
    return lifecycleOf(smallMessages(10, 2048));
  },
  'lifecycle-files'() {
    return emlFiles(smallMessages(10, 2048)).then(lifecycleOf);
  },
};

/** Start → greeting → close cycles of the mock with `messages`, profiled after a warm-up. */
async function lifecycleOf(messages) {
  const cycle = () => timedCycle(() => startPop3Mock({ users: { alice: { password: 'pw', messages } } }));
  for (let i = 0; i < 200; i++) await cycle();
  const t0 = performance.now();
  const run = await profiled(async () => {
    for (let i = 0; i < 2000; i++) await cycle();
  });
  return { ...run, summary: `${((performance.now() - t0) / 2000).toFixed(3)} ms per cycle (profiled)` };
}

if (!workloads[name]) {
  console.error(`unknown workload ${name}; one of: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
try {
  const { profile, summary } = await workloads[name]();
  const file = join(tmpdir(), `pop3-mock-${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`${name}: ${summary}; profile written to ${file}`);
  printTop(topSelf(profile, 30), name);
} finally {
  await client.stop();
}
