// Builds side by side on what loading the package costs: (1) fresh `node`
// processes, each importing one build (ESM, then CommonJS) and starting a
// first server, the builds taking turns; (2) one process loading each build
// again and again with its modules out of the require cache, in turns (what
// every jest test file pays: each starts with an empty module registry).
// Reports medians per build, ms.
//
// Run: node bench/import-ab.mjs [--processes N] [--reloads N] DIST_A DIST_B ...
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { num, stats } from './lib/common.mjs';
import { reloadTimes } from './lib/reload.mjs';

const args = process.argv.slice(2);
const take = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at === -1 ? fallback : Number(args.splice(at, 2)[1]);
};
const processes = take('--processes', 20);
const reloads = take('--reloads', 30);
const dirs = args.map((dir) => resolve(dir));
if (dirs.length === 0 || !(processes > 0) || !(reloads > 0)) {
  console.error('usage: node bench/import-ab.mjs [--processes N] [--reloads N] DIST_DIR ...');
  process.exit(2);
}

const MESSAGE = JSON.stringify('Subject: a\r\n\r\nb\r\n');
const START = `startPop3Mock({ users: { alice: { password: 'p', messages: [${MESSAGE}] } } })`;
/** A fresh process: import (ESM) or require (CommonJS), then a first start; prints [load, start] ms. */
const freshScript = (dir, esm) => `(async () => {
  const t0 = performance.now();
  const { startPop3Mock } = ${esm ? `await import(${JSON.stringify(pathToFileURL(`${dir}/index.mjs`).href)})` : `require(${JSON.stringify(`${dir}/index.js`)})`};
  const t1 = performance.now();
  const pop3 = await ${START};
  console.log(JSON.stringify([t1 - t0, performance.now() - t1]));
  await pop3.close();
})();`;

function fresh(dir, esm) {
  const result = spawnSync(process.execPath, ['-e', freshScript(dir, esm)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${dir}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const results = new Map(dirs.map((dir) => [dir, { esm: [], cjs: [] }]));
for (let i = 0; i < processes; i++) {
  for (const dir of i % 2 ? dirs : [...dirs].reverse()) {
    results.get(dir).esm.push(fresh(dir, true));
    results.get(dir).cjs.push(fresh(dir, false));
  }
}

// One process, the builds reloaded in turns.
const reloaded = reloadTimes(dirs, reloads);

const median = (values) => num(stats(values).median, 1);
console.log(`${processes} fresh processes per build and format, ${reloads} reloads per build, in turns`);
console.log(
  '| build | ESM import | ESM first start | CJS require | CJS first start | reload + first start, one process |',
);
console.log('|---|---|---|---|---|---|');
dirs.forEach((dir, d) => {
  const { esm, cjs } = results.get(dir);
  const part = (runs, k) => median(runs.map((r) => r[k]));
  console.log(
    `| ${dir} | ${part(esm, 0)} | ${part(esm, 1)} | ${part(cjs, 0)} | ${part(cjs, 1)} | ${median(reloaded[d])} |`,
  );
});
