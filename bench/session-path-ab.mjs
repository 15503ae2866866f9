// The session's own work, without sockets: (b)'s pipelined script run
// through each build's server over an in-memory socket (lib/memory-sessions.mjs),
// each build in a child process of its own (its JIT and its garbage apart),
// the children taking turns batch by batch. The kernel's share of a real
// session (and the client's, and a shared machine's noise with them) stays
// out, so a change of a few percent in the mock's JavaScript shows:
// identical builds agree within ±3 %, where sessions-ab.mjs over real
// sockets moves by ±4 %. Node's stream layer is left out too (the socket's
// write and cork do nothing), so a gain here is larger than over sockets.
// Compare two builds at a time: each is set against the first one's round.
// A tool to compare builds, not a measure of the product against a floor.
//
// Run: node bench/session-path-ab.mjs [--rounds N] DIST_A DIST_B ...
import { fileURLToPath } from 'node:url';
import { Child } from './lib/child.mjs';
import { num, stats } from './lib/common.mjs';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt === -1 ? 30 : Number(args.splice(roundsAt, 2)[1]);
if (args.length === 0 || !(rounds > 0)) {
  console.error('usage: node bench/session-path-ab.mjs [--rounds N] DIST_DIR ...');
  process.exit(2);
}

const script = fileURLToPath(new URL('./lib/memory-sessions.mjs', import.meta.url));
const builds = args.map((dir) => ({ dir, child: new Child(script, { args: [dir] }), cpu: [] }));
try {
  const octets = [];
  for (const b of builds) octets.push(await b.child.call('octets'));
  if (new Set(octets).size !== 1)
    console.log(`(the builds write different octets per session: ${octets.join(', ')})`);
  for (const b of builds) await b.child.call('batch');
  for (let r = 0; r < rounds; r++) {
    for (const b of r % 2 ? builds : [...builds].reverse()) b.cpu.push(await b.child.call('batch'));
  }
} finally {
  await Promise.all(builds.map((b) => b.child.stop()));
}

console.log(`| build (${rounds} rounds of 2,000 sessions) | µs of CPU per session | against the first |`);
console.log('| --- | --- | --- |');
for (const b of builds) {
  const ratio = stats(b.cpu.map((x, i) => x / builds[0].cpu[i])).median;
  console.log(`| ${b.dir} | ${num(stats(b.cpu).median)} | ${num(ratio, 3)}x |`);
}
