import { startPop3Mock } from '../../../src';
import { dovecotDialect } from '../../../src/dialects';
import { type DovecotServer, dovecotInstalled } from '../../helpers/dovecot';
import { CAPTURE_PASSWORD, CAPTURE_USER, CAPTURE_USERS, startCaptureDovecot } from './capture-helpers';
import { comparableLines, converseInTurns, type Turn } from './conversations';

// Lock 'none': what sessions opened before another session's UPDATE see of the messages it removed,
// on a live Dovecot (apt-get install -y dovecot-pop3d) and on the mock's dovecot preset.
let dovecot: DovecotServer;

beforeAll(async () => {
  if (!dovecotInstalled()) throw new Error('dovecot is not installed: apt-get install -y dovecot-pop3d');
  dovecot = await startCaptureDovecot();
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
});

const login = [`USER ${CAPTURE_USER}`, `PASS ${CAPTURE_PASSWORD}`];
const bad = (n: number) => Array.from({ length: n }, () => 'XYZ');

/**
 * Sessions 0 and 1 log in; session 2 removes messages 1 and 2; then session 0 reads them
 * every way, and ends on the bad-command count (Dovecot counts a repeated or message-1
 * expunged fetch as bad, a first one above them as a success); session 1 deletes 1 and 3
 * and QUITs; session 3 looks at what is left. Sessions 0 and 1 send STAT after logging in,
 * so their message lists are read before session 2 logs in: Dovecot's PASS reply may come
 * first (once, session 1 listed the mailbox as session 2's UPDATE left it).
 */
const TURNS: readonly Turn[] = [
  { session: 0, steps: [...login, 'STAT'] },
  { session: 1, steps: [...login, 'STAT'] },
  { session: 2, steps: [...login, 'DELE 1', 'DELE 2', 'QUIT'] },
  {
    session: 0,
    steps: [
      'STAT',
      'LIST',
      'LIST 1',
      'UIDL 1',
      'UIDL',
      'TOP 1 0',
      'RETR 1',
      'RETR 1',
      'TOP 1 x',
      'RETR 1 x',
      'RETR 3',
      'TOP 3 1',
      'DELE 1',
      'RETR 1',
      'RSET',
      ...bad(20),
      'RETR 2',
      ...bad(20),
      'TOP 2 0',
    ],
  },
  { session: 1, steps: ['RETR 2', 'DELE 1', 'DELE 3', 'QUIT'] },
  { session: 3, steps: [...login, 'STAT', 'LIST', 'QUIT'] },
];

test("lock 'none': RETR and TOP of a message another session's UPDATE removed get Dovecot's replies from the preset", async () => {
  const fromDovecot = comparableLines(await converseInTurns(dovecot.port, TURNS));
  const mock = await startPop3Mock({ dialect: dovecotDialect, users: CAPTURE_USERS });
  let fromMock: string[];
  try {
    fromMock = comparableLines(await converseInTurns(mock.port, TURNS));
  } finally {
    await mock.close();
  }
  // Debian's build greets with `Dovecot (Debian) ready.`, the preset as upstream does.
  const greetingsAside = (lines: string[]) => lines.filter((l) => !/^#\d+ greeting => /.test(l));
  expect(greetingsAside(fromMock)).toEqual(greetingsAside(fromDovecot));
  expect(fromDovecot.filter((l) => / greeting => /.test(l))).toHaveLength(4);
  // What the live server answered, so the comparison cannot pass on two servers that both serve the snapshot.
  expect(fromDovecot).toEqual(
    expect.arrayContaining([
      '#0 LIST 1 => +OK 1 71',
      '#0 RETR 1 => -ERR Message 1 expunged.',
      '#0 TOP 1 0 => -ERR Message 1 expunged.',
      '#0 TOP 2 0 => -ERR Message 2 expunged.',
      '#0 <end> => -ERR Too many bad commands.',
      '#1 RETR 2 => -ERR Message 2 expunged.',
      '#1 QUIT => +OK Logging out, messages deleted.',
    ]),
  );
  // Session 1's UPDATE removed message 3; 1 and 2 were gone already.
  expect(fromDovecot.filter((l) => l.startsWith('#3 STAT'))).toEqual(['#3 STAT => +OK 0 0']);
}, 30_000);
