// Preloaded (`node -r`) into a server process: moves its clock (performance.timeOrigin, the real
// time src/clock.ts reads) by SHIFT_CLOCK_MS, as on a host whose clock is off by that much.
const { performance } = require('node:perf_hooks');
const origin = performance.timeOrigin;
const shift = Number(process.env.SHIFT_CLOCK_MS ?? 0);
Object.defineProperty(performance, 'timeOrigin', { get: () => origin + shift, configurable: true });
