// `npm run fuzz`: the fuzz properties of test/fuzz with a larger budget than
// CI's. FUZZ_SCALE multiplies every property's run count (1 in CI, 60 here
// unless told otherwise); a new seed explores new cases, a failing run
// prints the seed that replays it. The suite runs the first cases of each
// seed (fast-check draws them in order): 60x is the 20x it was when the suite
// ran three times as many, so the long run still tries the same cases.
//
// Usage: node test/fuzz/run-long.mjs [--scale N] [--seed N | --random-seed] [jest args...]
//   npm run fuzz                          60x the CI runs, the CI seeds
//   npm run fuzz -- --random-seed         60x, a fresh seed (printed)
//   npm run fuzz -- --scale 100 sasl      100x, only test/fuzz/sasl.test.ts
//   npm run fuzz -- --seed 1234 --scale 1 replay one failure
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
let scale = process.env.FUZZ_SCALE ?? '60';
let seed = process.env.FUZZ_SEED;
const jestArgs = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--scale') scale = args[++i];
  else if (arg === '--seed') seed = args[++i];
  else if (arg === '--random-seed') seed = String(Math.floor(Math.random() * 2 ** 31));
  else jestArgs.push(arg);
}
if (!(Number(scale) > 0)) {
  console.error(`run-long: --scale wants a positive number, got ${JSON.stringify(scale)}`);
  process.exit(2);
}
if (seed !== undefined && !Number.isInteger(Number(seed))) {
  console.error(`run-long: --seed wants an integer, got ${JSON.stringify(seed)}`);
  process.exit(2);
}

const fileFilter = jestArgs.filter((a) => !a.startsWith('-'));
const paths = fileFilter.length > 0 ? fileFilter.map((f) => `test/fuzz/.*${f}`) : ['test/fuzz'];
const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
console.error(`fuzz: scale ${scale}, seed ${seed ?? 'per property (as in CI)'}`);
const result = spawnSync(
  process.execPath,
  [jest, '--runInBand', ...paths, ...jestArgs.filter((a) => a.startsWith('-'))],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_SCALE: scale, ...(seed ? { FUZZ_SEED: seed } : {}) },
  },
);
if (result.status !== 0 && seed !== undefined)
  console.error(`fuzz: replay with FUZZ_SEED=${seed} FUZZ_SCALE=${scale}`);
process.exit(result.status ?? 1);
