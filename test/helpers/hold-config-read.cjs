// Preloaded (`node -r`) into a CLI: holds its read of the config file named by HOLD_CONFIG until
// the file HOLD_RELEASE exists (at most 10 s), after saying so on stderr, so a test can signal the
// CLI at a known point of its start: after its first line of JavaScript, before it serves.
const fs = require('node:fs');
const read = fs.readFileSync;
const wait = new Int32Array(new SharedArrayBuffer(4));
fs.readFileSync = function held(path, ...rest) {
  if (typeof path === 'string' && path.endsWith(process.env.HOLD_CONFIG)) {
    fs.writeSync(2, 'hold-config-read: holding\n');
    const until = Date.now() + 10_000;
    while (!fs.existsSync(process.env.HOLD_RELEASE) && Date.now() < until) Atomics.wait(wait, 0, 0, 5);
  }
  return read.call(this, path, ...rest);
};
