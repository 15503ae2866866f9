// (e) A 10,000-message mailbox: time from USER to the end of the UIDL
// listing (USER, PASS, STAT, LIST, UIDL, lock-step) as the load generator
// child sees it. The floor answers the same commands with the mock's own
// reply bytes, prebuilt; mock and floor sessions alternate.
//
// Run: node bench/large-mailbox.mjs [--quick]
import { loadClient } from './lib/child.mjs';
import { compareRow, flags, loadPackage, log, num, report } from './lib/common.mjs';
import { captureReplies, smallMessages } from './lib/fixtures.mjs';
import { startFloor } from './lib/floor.mjs';

const options = flags();
const { startPop3Mock } = await loadPackage();

const COUNT = 10_000;
const REPS = options.quick ? 5 : 20;
const SCRIPT = [
  { line: 'USER many', multi: false },
  { line: 'PASS secret', multi: false },
  { line: 'STAT', multi: false },
  { line: 'LIST', multi: true },
  { line: 'UIDL', multi: true },
];

log(`large-mailbox: seeding ${COUNT} messages`);
const messages = smallMessages(COUNT, 600);
const t0 = performance.now();
const pop3 = await startPop3Mock({ users: { many: { password: 'secret', messages } } });
const seedMs = performance.now() - t0;
const { greeting, replies } = await captureReplies(pop3.port, [...SCRIPT, { line: 'QUIT', multi: false }]);
const floor = await startFloor({ greeting, replies });
const client = loadClient();

const rows = [];
try {
  const listing = (port, times) => client.call('listing', { port, script: SCRIPT, times, quit: true });
  await listing(floor.port, 3);
  await listing(pop3.port, 3);
  const runs = { mock: [], floor: [] };
  for (let r = 0; r < REPS; r++) {
    const order = r % 2 === 0 ? ['floor', 'mock'] : ['mock', 'floor'];
    for (const which of order) runs[which].push(await listing(which === 'mock' ? pop3.port : floor.port, 1));
  }
  const session = (which) => runs[which].map((x) => x.sessionMs[0]);
  const command = (which, i) => runs[which].map((x) => x.commandMs[i][0]);
  const bytes = runs.mock[0].replyBytes;
  const total = compareRow({
    measure: `${COUNT.toLocaleString('en-US')} messages: USER+PASS, STAT, LIST, UIDL`,
    unit: 'ms',
    mock: session('mock'),
    floor: session('floor'),
    target: '< 50 ms',
    paired: true,
    note: `LIST ${num(bytes[3] / 1024)} KiB, UIDL ${num(bytes[4] / 1024)} KiB; seeding took ${num(seedMs)} ms`,
  });
  total.met = total.median < 50;
  rows.push(total);
  const parts = [
    ['USER + PASS (login)', [0, 1]],
    ['STAT', [2]],
    ['LIST', [3]],
    ['UIDL', [4]],
  ];
  for (const [label, indexes] of parts) {
    const sum = (which) => runs[which].map((x) => indexes.reduce((n, i) => n + x.commandMs[i][0], 0));
    rows.push(
      compareRow({
        measure: `  of which ${label}`,
        unit: 'ms',
        mock: indexes.length === 1 ? command('mock', indexes[0]) : sum('mock'),
        floor: indexes.length === 1 ? command('floor', indexes[0]) : sum('floor'),
        paired: true,
      }),
    );
  }
} finally {
  await client.stop();
  await pop3.close();
  await floor.close();
}

report('(e) 10,000-message mailbox', rows, options);
