// Builds side by side on (a)'s lifecycle: start with a user holding 10 .eml
// files by path, a client reads the greeting, close; the floor and a mock
// from each build (dist folder) taking turns cycle by cycle in one process,
// so a slow minute and the TIME_WAIT connections piling up fall on all of
// them. Reports each one's median cycle, its phases (start / greeting /
// close) and its ratio to the floor.
//
// Run: node bench/lifecycle-ab.mjs [--cycles N] [--quit] [--buffers] DIST_A DIST_B ...
//   --buffers: the 10 messages as Buffers instead of .eml files.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { num, stats } from './lib/common.mjs';
import { smallMessages } from './lib/fixtures.mjs';
import { startFloor } from './lib/floor.mjs';
import { emlFiles, phaseMedians, readGreeting, timedCycle, timeWaitCount } from './lib/lifecycle-cycle.mjs';

const args = process.argv.slice(2);
const take = (flag, withValue) => {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args.splice(at, withValue ? 2 : 1).at(-1);
};
const cycles = Number(take('--cycles', true) ?? 1500);
const withQuit = take('--quit', false) !== undefined;
const asBuffers = take('--buffers', false) !== undefined;
if (args.length === 0 || !(cycles > 0)) {
  console.error('usage: node bench/lifecycle-ab.mjs [--cycles N] [--quit] [--buffers] DIST_DIR ...');
  process.exit(2);
}
const WARM_UP = 300;

const messages = smallMessages(10, 2048);
const fixtures = asBuffers ? messages.map((text) => Buffer.from(text)) : await emlFiles(messages);
const sides = [];
for (const dir of args) {
  const { startPop3Mock } = await import(pathToFileURL(resolve(dir, 'index.mjs')).href);
  sides.push({
    name: dir,
    start: () => startPop3Mock({ users: { alice: { password: 'pw', messages: fixtures } } }),
  });
}
// The floor greets with the first build's greeting bytes, and answers its QUIT with +OK.
const first = await sides[0].start();
const { greeting, closed } = await readGreeting(first.port);
await first.close();
await closed;
const floorReplies = new Map([['QUIT', Buffer.from('+OK\r\n')]]);
sides.unshift({
  name: 'floor',
  start: () => startFloor({ greeting: Buffer.from(greeting), replies: floorReplies }),
});
for (const side of sides) side.runs = [];

const timeWaitBefore = timeWaitCount();
for (let i = 0; i < WARM_UP + cycles; i++) {
  for (const side of i % 2 ? sides : [...sides].reverse()) {
    const run = await timedCycle(side.start, withQuit);
    if (i >= WARM_UP) side.runs.push(run);
  }
}

const median = (side) => stats(side.runs.map((r) => r.total * 1000)).median;
console.log(
  `${cycles} cycles each after ${WARM_UP} warm-up, taking turns${withQuit ? ', with QUIT' : ''}${asBuffers ? ', 10 Buffers' : ', 10 .eml files'}; TIME_WAIT ${timeWaitBefore} → ${timeWaitCount()}`,
);
console.log('| side | cycle µs | start / greeting / close µs | against the floor |');
console.log('|---|---|---|---|');
for (const side of sides) {
  console.log(
    `| ${side.name} | ${num(median(side), 0)} | ${phaseMedians(side.runs)} | ${num(median(side) / median(sides[0]), 3)}x |`,
  );
}
