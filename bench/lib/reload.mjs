// The package loaded again and again in one process, each time with its
// modules out of the require cache, and a first start: what every jest test
// file pays (each starts with an empty module registry). Shared by (h)
// cold-start.mjs and import-ab.mjs.
import { spawnSync } from 'node:child_process';

/** Warm-up rounds, not counted. */
const WARM_UP = 4;

/**
 * For each built package folder in `dirs` (CommonJS `index.js`, as jest loads
 * it), `reloads` times in one child process, the folders taking turns: ms
 * from `require()` to a first `startPop3Mock()` with a raw message. One list
 * per folder, in the order of `dirs`.
 */
export function reloadTimes(dirs, reloads) {
  const script = `const dirs = ${JSON.stringify(dirs)};
  const times = dirs.map(() => []);
  (async () => {
    for (let i = 0; i < ${reloads + WARM_UP}; i++) {
      for (const d of i % 2 ? [...dirs.keys()] : [...dirs.keys()].reverse()) {
        for (const key of Object.keys(require.cache)) if (key.startsWith(dirs[d] + '/')) delete require.cache[key];
        const t0 = performance.now();
        const { startPop3Mock } = require(dirs[d] + '/index.js');
        const pop3 = await startPop3Mock({ users: { alice: { password: 'p', messages: ['Subject: a\\r\\n\\r\\nb\\r\\n'] } } });
        if (i >= ${WARM_UP}) times[d].push(performance.now() - t0);
        await pop3.close();
      }
    }
    console.log(JSON.stringify(times));
  })();`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`reloads: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
