import { b64, md5hex } from '../extensions/helpers';
import { CAPTURE_PASSWORD, CAPTURE_USER } from './capture-helpers';
import type { Conversations } from './conversations';

/**
 * Conversations the probe script does not hold (docs/DIALECTS.md lists the
 * script): other messages, other argument shapes, other orders. A capture
 * that only learned its own script's answers by rote fails here.
 *
 * Run by conversations.ts: each conversation on a fresh connection, dropped
 * after its last step. The one QUIT after a DELE is the last conversation (it
 * changes the mailbox).
 */
const login = [`USER ${CAPTURE_USER}`, `PASS ${CAPTURE_PASSWORD}`];
const plain = (user: string, password: string) => `AUTH PLAIN ${b64(`\0${user}\0${password}`)}`;
const apop = (secret: string) => (greeting: string) => {
  const stamp = /<[^<>]*>/.exec(greeting)?.[0] ?? '<none>';
  return `APOP ${CAPTURE_USER} ${md5hex(stamp + secret)}`;
};

export const HOLD_OUT: Conversations = [
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
