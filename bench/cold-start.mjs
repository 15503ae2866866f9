// (h) Cold start: the first startPop3Mock() of a fresh process (import of the
// package included), with a raw message and with a nodemailer-fields message,
// against a fresh process that only imports node:net and listens (the floor).
// Each sample is its own `node` process, so nothing is warm. Then the package
// loaded again and again in one process, each time with its modules out of
// the require cache, and a first start: what every jest test file pays, as
// each starts with an empty module registry.
//
// Run: node bench/cold-start.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, flags, log, report, row, stats } from './lib/common.mjs';
import { reloadTimes } from './lib/reload.mjs';

const options = flags();
const RUNS = options.quick ? 8 : 24;
const dist = pathToFileURL(DIST).href;

const scripts = {
  floor: `const t0 = performance.now();
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const ms = performance.now() - t0; server.close(); console.log(ms);`,
  raw: `const t0 = performance.now();
    const { startPop3Mock } = await import(${JSON.stringify(dist)});
    const pop3 = await startPop3Mock({ users: { alice: { password: 'p', messages: ['Subject: a\\r\\n\\r\\nb\\r\\n'] } } });
    const ms = performance.now() - t0; await pop3.close(); console.log(ms);`,
  nodemailer: `const t0 = performance.now();
    const { startPop3Mock } = await import(${JSON.stringify(dist)});
    const pop3 = await startPop3Mock({ users: { alice: { password: 'p', messages: [{ from: 'a@x.test', to: 'b@x.test', subject: 's', text: 'hello' }] } } });
    const ms = performance.now() - t0; await pop3.close(); console.log(ms);`,
};

const RELOADS = options.quick ? 12 : 40;

function sample(name) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', scripts[name]], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${name}: ${result.stderr}`);
  return Number(result.stdout.trim());
}

log(`cold start: ${RUNS} fresh processes each, alternating`);
const times = { floor: [], raw: [], nodemailer: [] };
for (let i = 0; i < RUNS; i++) for (const name of Object.keys(times)) times[name].push(sample(name));
log(`cold start: the package loaded ${RELOADS} times in one process`);
const [reloads] = reloadTimes([dirname(DIST)], RELOADS);
const floor = stats(times.floor).median;
const line = (measure, values, note) => {
  const s = stats(values);
  return row({
    measure,
    unit: 'ms',
    median: s.median,
    min: s.min,
    max: s.max,
    floor,
    ratio: s.median / floor,
    target: 'reported',
    met: true,
    note,
  });
};
report(
  '(h) cold start',
  [
    line('first startPop3Mock, import included, a raw message', times.raw, 'nodemailer not loaded'),
    line(
      'first startPop3Mock, import included, nodemailer fields',
      times.nodemailer,
      'nodemailer loaded on first use',
    ),
    row({
      measure: 'the package loaded again in one process, and a first start (each jest test file)',
      unit: 'ms',
      median: stats(reloads).median,
      min: stats(reloads).min,
      max: stats(reloads).max,
      target: 'reported',
      met: true,
      note: `CommonJS require() with the package's modules out of the cache, ${RELOADS} times after 4 warm-up loads; a raw message`,
    }),
  ],
  options,
);
