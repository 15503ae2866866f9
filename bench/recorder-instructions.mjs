// The recorder's cost per session in instructions, counted by valgrind: the
// one figure here that the load of other processes does not move. Two ways:
//
// - replay (default): (f)'s replay (lib/replay.mjs: the 25 events of one real
//   session of the script, with new strings where a session makes new ones)
//   runs for SMALL and LARGE sessions in one process, recorder attached and
//   detached. The recorder alone, with nothing of a real session around it.
// - --sockets: the server runs under valgrind and a load client (lib/
//   load-client.mjs, not under valgrind) drives SOCKET_SMALL and SOCKET_LARGE
//   real sessions of the script through TCP, pipelined from 8 clients, as
//   (f)'s pipelined row does. This counts what recording costs a real
//   session, the collector's work on the records among the session's own
//   garbage included, and gives it as a share of the detached server's
//   instructions per session. The kernel's socket work is not counted (it
//   is no user-space instruction), so the share is an upper bound of the
//   share of CPU time. How the sessions' bytes arrive in reads varies, and
//   with it when collections fall: three runs of one build read 29,351,
//   33,421 and 31,707 instructions of recorder per session.
// - --faults: as --sockets, recorder attached on both sides, with and without
//   (f)'s idle fault rule set (lib/idle-rules.mjs): what ten active rules
//   that never match cost a real session.
//
// Each count runs under `valgrind --tool=cachegrind --cache-sim=no` with
// `node --predictable` (no background compiler or collector threads: two
// replay runs of one build count within a few instructions per session of
// each other). The cost per session is
//   ((attached LARGE - attached SMALL) - (detached LARGE - detached SMALL)) / (LARGE - SMALL),
// so start-up and warm-up cancel out. The mock is reset every RESET_EVERY
// sessions (SOCKET_RESET_EVERY), as (f) resets between its runs, so the
// records kept stay few.
//
// Instructions are not time: a cache miss costs no instruction, so a change
// that only makes records smaller shows in recorder-ab.mjs's heap column,
// not in the replay (it does in --sockets, where fewer kept bytes mean fewer
// full collections). Replay: 4 runs of 30-60 s per build; --sockets: 4 runs
// of 1.5-3 min (valgrind is some 30 times slower), two at a time.
//
// Run: node bench/recorder-instructions.mjs [--sockets | --faults] [--sessions N] DIST_A [DIST_B ...]   (needs valgrind)
//   DIST: a dist/ built (npx tsup) from the commit to count.
//   --sessions N: the large socket run's sessions (default 10,000; the small one is 2,000).
//
// A full (mark-compact) collection costs a server of this size roughly 100
// million instructions, and at 10,000 sessions each run has only one or two:
// one more in the attached large run moves the cost per session by some
// 12,000 (thirteenth session in bench/README.md). So each socket run also
// reports the mark-compacts it ran (node --trace-gc), and a count to compare
// builds by wants equal mark-compacts or a long run (--sessions 42000: about
// 4 min a build here, its runs two at a time).
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SMALL = 20_000;
const LARGE = 100_000;
const RESET_EVERY = 2_000;
const SOCKET_SMALL = 2_000;
const SOCKET_LARGE = 10_000;
const SOCKET_RESET_EVERY = 1_000;
const CONCURRENCY = 8;
const VALGRIND = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1], args[2] === 'on', Number(args[3]));
else if (args[0] === '--server') await server(args[1], args[2]);
else await main(args);

async function main(argv) {
  const faults = argv[0] === '--faults';
  const sockets = faults || argv[0] === '--sockets';
  let builds = sockets ? argv.slice(1) : argv;
  let socketLarge = SOCKET_LARGE;
  if (sockets && builds[0] === '--sessions') {
    socketLarge = Number(builds[1]);
    if (!Number.isInteger(socketLarge) || socketLarge <= SOCKET_SMALL) {
      console.error(`recorder-instructions: --sessions wants a whole number above ${SOCKET_SMALL}`);
      process.exit(2);
    }
    builds = builds.slice(2);
  }
  if (builds.length === 0) {
    console.error(
      'usage: node bench/recorder-instructions.mjs [--sockets | --faults] [--sessions N] DIST_DIR [DIST_DIR ...]',
    );
    process.exit(2);
  }
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('recorder-instructions: valgrind is not installed (Debian: apt-get install valgrind)');
    process.exit(2);
  }
  const [small, large] = sockets ? [SOCKET_SMALL, socketLarge] : [SMALL, LARGE];
  // --faults: the idle rule set's cost, both sides recorded; else the recorder's.
  const [withIt, without] = faults ? ['faults', 'on'] : ['on', 'off'];
  const what = faults ? 'idle fault rules' : 'recorder';
  console.log(
    `| build (${faults ? 'faults' : sockets ? `sockets, ${large.toLocaleString('en-US')}` : 'replay'}) | instructions per session, ${faults ? 'rules set' : 'recorder attached'} | ${faults ? 'no rules' : 'detached'} | ${what} cost | share |${sockets ? ' mark-compacts, small / large runs |' : ''}`,
  );
  console.log(`| --- | --- | --- | --- | --- |${sockets ? ' --- |' : ''}`);
  for (const dir of builds) {
    // The two counts of one size run at once: valgrind uses one core.
    const counts = async (sessions) =>
      sockets
        ? Promise.all([socketCount(dir, withIt, sessions), socketCount(dir, without, sessions)])
        : [count(dir, true, sessions), count(dir, false, sessions)];
    const [[onSmall, offSmall], [onLarge, offLarge]] = [await counts(small), await counts(large)];
    const on = (onLarge.refs - onSmall.refs) / (large - small);
    const off = (offLarge.refs - offSmall.refs) / (large - small);
    const f = (n) => Math.round(n).toLocaleString('en-US');
    const collections = sockets
      ? ` ${onSmall.markCompacts} / ${onLarge.markCompacts} ${withIt === 'on' ? 'attached' : 'with rules'}, ${offSmall.markCompacts} / ${offLarge.markCompacts} ${without === 'off' ? 'detached' : 'without'} |`
      : '';
    console.log(
      `| ${dir} | ${f(on)} | ${f(off)} | ${f(on - off)} | ${(((on - off) / off) * 100).toFixed(1)} % |${collections}`,
    );
  }
}

/** The instructions valgrind counted, from its report. */
function refsOf(stderr, what) {
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (!refs) throw new Error(`valgrind run failed (${what}):\n${stderr}`);
  return Number(refs[1].replaceAll(',', ''));
}

/** Instructions valgrind counted for one replay run (`refs`). */
function count(dir, on, sessions) {
  const script = fileURLToPath(import.meta.url);
  const run = spawnSync(
    'valgrind',
    [
      ...VALGRIND,
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
  if (run.status !== 0) throw new Error(`valgrind run failed (${dir}, ${sessions}):\n${run.stderr}`);
  return { refs: refsOf(run.stderr, `${dir}, ${sessions}`) };
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

/**
 * Instructions valgrind counted for a server that served `sessions` real
 * sessions (`refs`), and the mark-compacts it ran: it prints its port, resets
 * on a `reset` line and closes on `exit`; node's --trace-gc lines come
 * between.
 */
async function socketCount(dir, mode, sessions) {
  const { loadClient } = await import('./lib/child.mjs');
  const { SCRIPT } = await import('./lib/session-load.mjs');
  const script = fileURLToPath(import.meta.url);
  const server = spawn(
    'valgrind',
    [...VALGRIND, process.execPath, '--predictable', '--trace-gc', script, '--server', dir, mode],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  server.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((done) => server.once('exit', done));
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  let markCompacts = 0;
  /** The server's next line that is not the collector's: a --trace-gc line is counted. */
  const next = async () => {
    for (;;) {
      const line = await lines.next();
      if (line.done) throw new Error(`server exited (${dir}):\n${stderr}`);
      if (!isGcLine(line.value)) return line.value;
      if (line.value.includes('Mark-Compact')) markCompacts++;
    }
  };
  const port = Number(await next());
  const client = loadClient();
  try {
    for (let done = 0; done < sessions; done += SOCKET_RESET_EVERY) {
      const total = Math.min(SOCKET_RESET_EVERY, sessions - done);
      const run = { port, concurrency: CONCURRENCY, pipelined: true, total, script: SCRIPT };
      const r = await client.call('sessions', run, 900_000);
      if (r.errors) throw new Error(`${r.errors} sessions failed (${dir})`);
      server.stdin.write('reset\n');
      await next();
    }
  } finally {
    await client.stop();
    server.stdin.end('exit\n');
  }
  // The collections of the close, until the server's output ends.
  for (let line = await lines.next(); !line.done; line = await lines.next()) {
    if (isGcLine(line.value) && line.value.includes('Mark-Compact')) markCompacts++;
  }
  // valgrind reports its count even when node failed: a failed server counts nothing.
  const status = await exited;
  if (status !== 0) throw new Error(`server exited with ${status} (${dir}):\n${stderr}`);
  return { refs: refsOf(stderr, `${dir}, ${sessions} sessions`), markCompacts };
}

/** A line of node's --trace-gc (`[pid:0x...]  123 ms: Scavenge ...`). A declaration: main() runs before the module's constants are made. */
function isGcLine(line) {
  return /^\[\d+:0x[0-9a-f]+\]/.test(line);
}

/** `mode`: `on` (recorder attached), `off` (detached) or `faults` (attached, with (f)'s idle rule set). */
async function server(dir, mode) {
  const pkg = await import(pathToFileURL(resolve(dir, 'index.mjs')).href);
  const { recorderSwitch } = await import('./lib/replay.mjs');
  const { startPair } = await import('./lib/session-load.mjs');
  const { idleRules } = await import('./lib/idle-rules.mjs');
  const mock = (await startPair(pkg.startPop3Mock, { withFloor: false })).pop3;
  const recorder = recorderSwitch(mock);
  if (!recorder) throw new Error(`${dir}: the recorder cannot be detached`);
  recorder.set(mode !== 'off');
  // reset() drops rules given at run time: they are put back after each.
  const rules = mode === 'faults' ? idleRules(pkg) : [];
  if (rules.length > 0) await mock.use(...rules);
  console.log(mock.port);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'exit') break;
    if (line === 'reset') {
      await mock.reset();
      if (rules.length > 0) await mock.use(...rules);
      console.log('reset');
    }
  }
  await mock.close();
}
