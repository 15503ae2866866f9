// CPU profiles: record one around a piece of work (in-process, through the
// inspector, so set-up and floor runs stay out of it), and summarise a
// .cpuprofile (the format `node --cpu-prof` writes) by self time.
import { Session } from 'node:inspector/promises';

/** Runs `work` under the V8 sampling profiler; returns its result and the profile. */
export async function profiled(work, intervalUs = 100) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  let result;
  try {
    result = await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    result = { result, profile };
  }
  return result;
}

/**
 * Self time per function (name, file:line), highest first, with its share of
 * all samples; `(idle)` and `(program)` are listed as V8 names them.
 */
export function topSelf(profile, limit = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const f = byId.get(id).callFrame;
    const file = f.url ? f.url.replace(/^.*\/(dist|node_modules|bench)\//, '$1/') : '';
    const key = `${f.functionName || '(anonymous)'}  ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - (byFunction.get('(idle)  ') ?? 0);
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    top: [...byFunction.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: us / total, busyShare: us / busy })),
  };
}

/** Inclusive (total) time of the functions whose name matches, summed over call sites. */
export function inclusive(profile, names) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = Object.fromEntries(names.map((n) => [n, 0]));
  for (const [id, us] of selfUs) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur).callFrame.functionName;
      if (name in out && !seen.has(name)) {
        out[name] += us;
        seen.add(name);
      }
    }
  }
  for (const k of Object.keys(out)) out[k] /= 1000;
  return out;
}

export function printTop(summary, title) {
  console.log(
    `\n### ${title}: top self time (${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms)\n`,
  );
  console.log('| self ms | % of busy | function |');
  console.log('|---|---|---|');
  for (const t of summary.top) {
    console.log(`| ${t.ms.toFixed(1)} | ${(t.busyShare * 100).toFixed(1)}% | \`${t.fn.trim()}\` |`);
  }
}
