// One server of (b) or (f) in a process of its own: the mock as shipped, with its
// recorder detached, with no events at all, with the idle fault rule set, or
// the bare floor. In one process, the variants shared one heap and its
// collector, so a variant's garbage could be collected during another's run
// and its cost land partly on that one.
// Speaks { id, op } / { id, result } over IPC.
//   start → { port }
//   cpu   → this process's CPU time so far, µs: { user, system }
//   reset → the mock reset (rules put back), between runs, as in one process.
// No full collection is forced between runs: in scratch runs a forced one
// more than doubled the next run's CPU per session in every variant (430-500
// µs against 150-160 µs without), burying the costs measured here.
// Run: forked by overhead.mjs and sessions.mjs with `VARIANT [DIST] [--cjs]`
// (DIST: another build's dist/; --cjs: the build's CommonJS entry).
import { serveRequests } from './child.mjs';
import { loadBuild, loadPackage } from './common.mjs';
import { idleRules } from './idle-rules.mjs';
import { recorderSwitch } from './replay.mjs';
import { startPair } from './session-load.mjs';

const args = process.argv.slice(2);
const cjs = args.includes('--cjs');
const [variant, dist] = args.filter((a) => a !== '--cjs');
// DIST: another build's dist/ (an A/B comparison); the project's own by default.
const pkg = dist ? await loadBuild(dist, { cjs }) : await loadPackage({ cjs });
let pop3;
let floor;
let rules = [];

const ops = {
  async start() {
    const pair = await startPair(pkg.startPop3Mock, { withFloor: variant === 'floor' });
    if (variant === 'floor') {
      // The mock only showed the floor what to answer.
      await pair.pop3.close();
      floor = pair.floor;
      return { port: floor.port };
    }
    pop3 = pair.pop3;
    if (variant === 'no-recorder') {
      const recorder = recorderSwitch(pop3);
      if (!recorder) throw new Error('the recorder cannot be detached (Pop3Mock internals changed)');
      recorder.set(false);
    } else if (variant === 'no-events') {
      if (typeof pop3.publish !== 'function') throw new Error('no publish (Pop3Mock internals changed)');
      // Every way an event leaves a session: objects, and commands and replies field by field.
      for (const name of ['publish', 'publishCommand', 'publishReply']) if (pop3[name]) pop3[name] = () => {};
    } else if (variant === 'fault-rules') {
      rules = idleRules(pkg);
      await pop3.use(...rules);
    } else if (variant !== 'recording') throw new Error(`unknown variant ${variant}`);
    return { port: pop3.port };
  },
  cpu() {
    return process.cpuUsage();
  },
  async reset() {
    if (!pop3) return;
    await pop3.reset();
    // reset() drops rules given at run time: put back.
    if (rules.length > 0) await pop3.use(...rules);
  },
};

serveRequests(ops, async () => {
  await pop3?.close();
  await floor?.close();
});
