import { createHash } from 'node:crypto';
import { RawClient } from '../../helpers/raw-client';
import { CAPTURE_PASSWORD, CAPTURE_USER } from './capture-helpers';

/**
 * Conversations the probe script does not hold (docs/DIALECTS.md lists the
 * script): other messages, other argument shapes, other orders. A capture
 * that only learned its own script's answers by rote fails here.
 *
 * A step is a command line, or one made from the greeting (APOP). Every
 * conversation starts on a fresh connection and ends with its last step:
 * the connection is then dropped, so nothing is committed unless the last
 * step is a QUIT. The one QUIT after a DELE is the last conversation (it
 * changes the mailbox).
 */
type Step = string | ((greeting: string) => string);

const login = [`USER ${CAPTURE_USER}`, `PASS ${CAPTURE_PASSWORD}`];
const plain = (user: string, password: string) =>
  `AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`;
const apop = (secret: string) => (greeting: string) => {
  const stamp = /<[^<>]*>/.exec(greeting)?.[0] ?? '<none>';
  return `APOP ${CAPTURE_USER} ${createHash('md5')
    .update(stamp + secret)
    .digest('hex')}`;
};

export const HOLD_OUT: readonly (readonly Step[])[] = [
  // The 2nd and 3rd messages, TOP with line counts around the body's length.
  [
    ...login,
    'LIST 2',
    'LIST 3',
    'UIDL 2',
    'UIDL 3',
    'TOP 2 0',
    'TOP 3 1',
    'TOP 3 2',
    'TOP 3 99',
    'TOP 2 00',
    'RETR 2',
    'RETR 3',
    'LIST',
    'UIDL',
  ],
  // DELE 2, then every command on it; RSET brings it back.
  [
    ...login,
    'DELE 2',
    'LIST 2',
    'RETR 2',
    'TOP 2 0',
    'UIDL 2',
    'DELE 2',
    'STAT',
    'LIST',
    'UIDL',
    'LIST 3',
    'DELE 3',
    'RSET',
    'STAT',
    'LIST 2',
    'RSET',
  ],
  // Wrong-state and unknown commands with arguments before login, until the server has had enough.
  ['Xyzzy a b', 'STAT 1', 'LIST 1 2', 'RETR x', 'NOOP x', 'UIDL 1', 'QUIT x'],
  // A known command between bad ones before login.
  ['XYZZY', 'CAPA', 'XYZZY', 'RSET', 'XYZZY', 'XYZZY 1', 'XYZZY'],
  // After login: argument shapes the script does not send.
  [
    ...login,
    'XYZZY a b',
    'USER alice',
    'PASS x y',
    'APOP a b',
    'AUTH PLAIN',
    'NOOP x y',
    'LIST 999',
    'UIDL 0',
    'UIDL 999',
    'list 1',
    'Stat',
    'uIdL 1',
    'RETR 0',
    'RETR 999',
    'RETR 1 2',
    'TOP 1',
    'TOP 1 -1',
    'TOP x 1',
    'TOP 999 1',
    'DELE 0',
    'DELE 999',
    'DELE x',
    'LIST 1 2 3',
    'LIST x',
    'RSET x',
    'STAT x',
    'STLS',
    'CAPA x',
  ],
  // USER twice, the last wins; QUIT without deletions.
  ['USER nobody', `USER ${CAPTURE_USER}`, `PASS ${CAPTURE_PASSWORD}`, 'STAT', 'QUIT'],
  // PASS after a failed PASS; then again from USER.
  [`USER ${CAPTURE_USER}`, 'PASS wrong', `PASS ${CAPTURE_PASSWORD}`, ...login, 'STAT'],
  // A bare USER, then PASS; USER with a space in the name.
  ['USER', `PASS ${CAPTURE_PASSWORD}`, `USER ${CAPTURE_USER} extra`, `PASS ${CAPTURE_PASSWORD}`],
  // APOP, right and wrong.
  [apop('wrong'), apop(CAPTURE_PASSWORD), 'STAT'],
  [`APOP ${CAPTURE_USER}`, 'APOP', `APOP ${CAPTURE_USER} 0123456789abcdef0123456789abcdef x`, 'QUIT x'],
  // SASL PLAIN with an initial response, wrong then right.
  [plain(CAPTURE_USER, 'wrong'), 'AUTH PLAIN !!!', plain(CAPTURE_USER, CAPTURE_PASSWORD), 'STAT'],
  // QUIT with deletions (changes the mailbox: last).
  [...login, 'DELE 1', 'QUIT'],
];

/** Commands whose `+OK` opens a multi-line reply. */
function isMulti(line: string): boolean {
  const [verb = '', ...args] = line.toUpperCase().split(' ');
  if (verb === 'RETR' || verb === 'TOP' || verb === 'CAPA') return true;
  return (verb === 'LIST' || verb === 'UIDL') && args.length === 0;
}

/** Runs every conversation against `port` and returns one line per command: `sent => reply | body...`. */
export async function converse(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const [i, steps] of HOLD_OUT.entries()) {
    const client = await RawClient.connect(port);
    out.push(`#${i} greeting => ${client.greeting}`);
    for (const step of steps) {
      const line = typeof step === 'string' ? step : step(client.greeting);
      let reply: string;
      try {
        if (isMulti(line)) {
          const r = await client.multi(line);
          reply = [r.status, ...r.lines].join(' | ');
        } else reply = await client.command(line);
      } catch {
        reply = '<closed>';
      }
      out.push(`#${i} ${line.replace(/^APOP (\S+) \S{32}$/, 'APOP $1 <digest>')} => ${reply}`);
      if (reply === '<closed>') break;
    }
    client.destroy();
  }
  return out;
}

/** The lines with what may differ between two servers of one dialect made equal: APOP timestamps and UIDs. */
export function comparableLines(lines: readonly string[]): string[] {
  return lines.map((line) => {
    const masked = line.replace(/<[^<>\s@]+@[^<>\s]+>/g, '<timestamp>');
    if (!/^#\d+ uidl\b/i.test(masked)) return masked;
    // `+OK n uid` and listing lines `n uid`.
    return masked.replace(/(\+OK \d+|\| \d+) \S+/g, '$1 <uid>');
  });
}
