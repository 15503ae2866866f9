// Builds side by side over real sockets: (b)'s script at 8 clients against a
// mock from each build (dist folder), the builds taking turns round by round
// in one process, so a slow minute of a shared machine falls on all of them.
// Reports each build's server CPU per session and sessions/s (medians), and
// the median over rounds of its CPU per session against the first build's in
// the same round. A build given as DIR:detached runs with its recorder
// detached (lib/replay.mjs): the floor for recording, over real sessions.
// DIR:cjs loads the build's CommonJS entry (index.js, what jest and other
// `require()` users load) instead of its ES module one.
//
// Run: node bench/sessions-ab.mjs [--lock-step] [--rounds N] DIST_A[:cjs][:detached] DIST_B[:cjs][:detached] ...
import { loadClient } from './lib/child.mjs';
import { loadBuild, num, stats } from './lib/common.mjs';
import { recorderSwitch } from './lib/replay.mjs';
import { sessionRate, startPair } from './lib/session-load.mjs';

const args = process.argv.slice(2);
const take = (flag) => {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args.splice(at, flag === '--rounds' ? 2 : 1).at(-1);
};
const pipelined = take('--lock-step') === undefined;
const rounds = Number(take('--rounds') ?? 24);
if (args.length === 0 || !(rounds > 0)) {
  console.error('usage: node bench/sessions-ab.mjs [--lock-step] [--rounds N] DIST_DIR[:cjs][:detached] ...');
  process.exit(2);
}

const builds = [];
for (const spec of args) {
  // Only `:detached` and `:cjs` are suffixes: anything else is part of the folder's name (and fails to load if it is none).
  const detach = spec.endsWith(':detached');
  const withoutDetach = detach ? spec.slice(0, -':detached'.length) : spec;
  const cjs = withoutDetach.endsWith(':cjs');
  const dir = cjs ? withoutDetach.slice(0, -':cjs'.length) : withoutDetach;
  const { startPop3Mock } = await loadBuild(dir, { cjs });
  const mock = (await startPair(startPop3Mock, { withFloor: false })).pop3;
  if (detach) {
    const recorder = recorderSwitch(mock);
    if (!recorder) throw new Error(`${dir}: the recorder cannot be detached`);
    recorder.set(false);
  }
  builds.push({ spec, mock, runs: [] });
}

const client = loadClient();
try {
  const config = { concurrency: 8, pipelined, durationMs: 400 };
  for (const b of builds) {
    await sessionRate(client, b.mock.port, { ...config, durationMs: 300 });
    await b.mock.reset();
  }
  for (let r = 0; r < rounds; r++) {
    for (const b of r % 2 ? builds : [...builds].reverse()) {
      b.runs.push(await sessionRate(client, b.mock.port, config));
      await b.mock.reset();
    }
  }
} finally {
  await client.stop();
}

const mode = pipelined ? 'pipelined' : 'lock-step';
console.log(
  `| build (${mode}, ${rounds} rounds) | server µs/session | sessions/s | CPU per session vs the first |`,
);
console.log('| --- | --- | --- | --- |');
const first = builds[0].runs;
for (const b of builds) {
  const cpu = stats(b.runs.map((x) => x.cpuPerSession)).median;
  const rate = stats(b.runs.map((x) => x.rate)).median;
  const ratio = stats(b.runs.map((x, i) => x.cpuPerSession / first[i].cpuPerSession)).median;
  console.log(`| ${b.spec} | ${num(cpu)} | ${num(rate)} | ${num(ratio, 3)}x |`);
}
for (const b of builds) await b.mock.close();
