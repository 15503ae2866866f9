import { MAX_DELAY_MS } from '../schema/fault-rule';
import type { DelaySpec } from './rule';

/** A seeded generator (mulberry32): the same seed replays the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds for a delay spec, drawn from `random` where it is random. */
export function delayMs(spec: DelaySpec, random: () => number): number {
  if (typeof spec === 'number') return spec;
  if ('uniform' in spec) {
    const [min, max] = spec.uniform;
    return min + (max - min) * random();
  }
  // Box-Muller: a standard normal from two uniforms.
  const u = Math.max(random(), Number.EPSILON);
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  // A wide lognormal draws past any bound (e^30 times the median): held to the longest delay a rule may name,
  // which also keeps it within what Node's timers take (2^31 - 1 ms; past that they fire at once).
  return Math.min(spec.lognormal.median * Math.exp(spec.lognormal.sigma * normal), MAX_DELAY_MS);
}
