// The recorder's cost per session in instructions, counted by valgrind: the
// one figure here that the load of other processes does not move. (f)'s
// replay (lib/replay.mjs: the 25 events of one real session of the script,
// with new strings where a session makes new ones) runs for SMALL and LARGE
// sessions, recorder attached and detached, each in a process of its own
// under `valgrind --tool=cachegrind --cache-sim=no` with `node --predictable`
// (no background compiler or collector threads: two runs of one build count
// within a few thousand instructions of each other). The cost per session is
//   ((attached LARGE - attached SMALL) - (detached LARGE - detached SMALL)) / (LARGE - SMALL),
// so start-up and warm-up cancel out. The mock is reset every RESET_EVERY
// sessions, as (f) resets between its runs, so the records kept stay few.
//
// Instructions are not time: a cache miss costs no instruction, so a change
// that only makes records smaller shows in recorder-ab.mjs's heap column,
// not here. Each build takes 4 runs of 30-60 s (valgrind is some 30 times slower).
//
// Run: node bench/recorder-instructions.mjs DIST_A [DIST_B ...]   (needs valgrind)
//   DIST: a dist/ built (npx tsup) from the commit to count.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SMALL = 20_000;
const LARGE = 100_000;
const RESET_EVERY = 2_000;

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1], args[2] === 'on', Number(args[3]));
else main(args);

function main(builds) {
  if (builds.length === 0) {
    console.error('usage: node bench/recorder-instructions.mjs DIST_DIR [DIST_DIR ...]');
    process.exit(2);
  }
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('recorder-instructions: valgrind is not installed (Debian: apt-get install valgrind)');
    process.exit(2);
  }
  console.log('| build | instructions per session, recorder attached | detached | recorder cost |');
  console.log('| --- | --- | --- | --- |');
  for (const dir of builds) {
    const perSession = (on) => (count(dir, on, LARGE) - count(dir, on, SMALL)) / (LARGE - SMALL);
    const on = perSession(true);
    const off = perSession(false);
    const f = (n) => Math.round(n).toLocaleString('en-US');
    console.log(`| ${dir} | ${f(on)} | ${f(off)} | ${f(on - off)} |`);
  }
}

/** Instructions valgrind counted for one child run. */
function count(dir, on, sessions) {
  const script = fileURLToPath(import.meta.url);
  const run = spawnSync(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/dev/null',
      process.execPath,
      '--predictable',
      script,
      '--child',
      dir,
      on ? 'on' : 'off',
      String(sessions),
    ],
    { encoding: 'utf8' },
  );
  const refs = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
  if (run.status !== 0 || !refs) throw new Error(`valgrind run failed (${dir}, ${sessions}):\n${run.stderr}`);
  return Number(refs[1].replaceAll(',', ''));
}

async function child(dir, on, sessions) {
  const { startPop3Mock } = await import(pathToFileURL(resolve(dir, 'index.mjs')).href);
  const { recorderSwitch, sessionEvents, sessionReplayer } = await import('./lib/replay.mjs');
  const { startPair } = await import('./lib/session-load.mjs');
  const mock = (await startPair(startPop3Mock, { withFloor: false })).pop3;
  const recorder = recorderSwitch(mock);
  if (!recorder) throw new Error(`${dir}: the recorder cannot be detached`);
  const replay = sessionReplayer(mock, await sessionEvents(mock));
  recorder.set(on);
  for (let i = 0; i < sessions; i++) {
    replay(1_000_000 + i);
    if (i % RESET_EVERY === RESET_EVERY - 1) await mock.reset();
  }
  await mock.close();
}
