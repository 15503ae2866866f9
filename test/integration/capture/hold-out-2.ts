import { b64 } from '../extensions/helpers';
import { CAPTURE_PASSWORD, CAPTURE_USER } from './capture-helpers';
import type { Conversations } from './conversations';

/**
 * A second hold-out, written as an outside checker would, from what mail
 * clients and sloppy clients send, not from the probe script: every command
 * with zero to three arguments, numbers in every shape a program prints
 * (leading zeros, signs, decimals, hex, past 32 and 64 bits), TOP line counts
 * around each body's length, every command on a deleted message, white space
 * and case as typed by hand, CAPA and AUTH in both states, USER and PASS out
 * of order, APOP where it is not offered, QUIT in both states.
 *
 * Run by conversations.ts. The conversation with QUIT after DELE comes
 * second to last (it changes the mailbox); the last one looks at what is left.
 */
const login = [`USER ${CAPTURE_USER}`, `PASS ${CAPTURE_PASSWORD}`];
const plain = (password: string) => b64(`\0${CAPTURE_USER}\0${password}`);
const digest = '0123456789abcdef0123456789abcdef';

/** Number shapes a client may send where a message number or line count goes. */
const NUMBERS = ['01', '001', '+1', '1.0', '1e0', '0x1', '-1', '0', '00', '4', '99999999999999999999', '1x'];

export const HOLD_OUT_2: Conversations = [
  // Before login: what a client asks first, in any case, with and without arguments.
  ['CAPA', 'capa', 'Capa x', 'NOOP', 'QUIT'],
  ['', ' ', 'STAT', 'CAPA'],
  ['noop', 'CAPA', 'Xsender', 'RSET', 'QUIT'],
  // USER and PASS: none, spaced, lower case, twice, out of order, after a failure.
  ['USER', 'USER ', `USER  ${CAPTURE_USER}`, `PASS ${CAPTURE_PASSWORD}`, 'QUIT'],
  [`user ${CAPTURE_USER}`, `pass ${CAPTURE_PASSWORD}`, 'stat', 'quit'],
  [`PASS ${CAPTURE_PASSWORD}`, `USER ${CAPTURE_USER}`, 'PASS', `PASS ${CAPTURE_PASSWORD}`, 'QUIT'],
  [`USER ${CAPTURE_USER}`, 'USER nobody', `PASS ${CAPTURE_PASSWORD}`, 'QUIT'],
  [
    `USER ${CAPTURE_USER}`,
    'PASS wrong',
    `PASS ${CAPTURE_PASSWORD}`,
    `USER ${CAPTURE_USER}`,
    'PASS wrong',
    `USER ${CAPTURE_USER}`,
    `PASS ${CAPTURE_PASSWORD}`,
    `PASS ${CAPTURE_PASSWORD}`,
    `USER ${CAPTURE_USER}`,
    'QUIT',
  ],
  [`USER ${CAPTURE_USER} `, `PASS ${CAPTURE_PASSWORD}`, 'QUIT'],
  // APOP, offered or not.
  [
    `APOP ${CAPTURE_USER} ${digest}`,
    'APOP',
    `APOP ${CAPTURE_USER}`,
    `apop ${CAPTURE_USER} ${digest} x`,
    'QUIT',
  ],
  // AUTH: bare, cancelled, unknown mechanism, lower case.
  ['AUTH', 'AUTH PLAIN', '*', 'AUTH X-UNKNOWN', 'auth plain', '*', 'AUTH LOGIN', '*', 'QUIT'],
  // AUTH PLAIN initial responses: not base64, not PLAIN, wrong, empty, right.
  [
    'AUTH PLAIN !!!',
    `AUTH PLAIN ${b64('garbage')}`,
    `AUTH PLAIN ${plain('wrong')}`,
    'AUTH PLAIN =',
    `AUTH PLAIN ${plain(CAPTURE_PASSWORD)}`,
    'STAT',
    'QUIT',
  ],
  // AUTH PLAIN and LOGIN with responses: broken, then right.
  [
    'AUTH PLAIN',
    '!!!',
    'AUTH PLAIN',
    b64('no nul here'),
    'AUTH PLAIN',
    plain(CAPTURE_PASSWORD),
    'STAT',
    'QUIT',
  ],
  // A client that sends its password as it is, not in base64.
  ['AUTH PLAIN', CAPTURE_PASSWORD, 'AUTH LOGIN', CAPTURE_USER, 'AUTH PLAIN', `${CAPTURE_PASSWORD} x`, 'QUIT'],
  ['AUTH LOGIN', b64(CAPTURE_USER), b64(CAPTURE_PASSWORD), 'STAT', 'AUTH PLAIN', 'QUIT'],
  // After login: commands without arguments, and LIST/UIDL, with zero to three arguments.
  [
    ...login,
    'STAT',
    'STAT 1',
    'STAT 1 2',
    'STAT 1 2 3',
    'NOOP 1',
    'NOOP 1 2 3',
    'RSET 1',
    'RSET 1 2',
    'LIST',
    'LIST 1',
    'LIST 1 2',
    'LIST 1 2 3',
    'UIDL',
    'UIDL 1',
    'UIDL 1 2',
    'UIDL 1 2 3',
    'RSET',
  ],
  // RETR, TOP and DELE with zero to three arguments.
  [
    ...login,
    'RETR',
    'RETR 1',
    'RETR 1 2',
    'RETR 1 2 3',
    'TOP',
    'TOP 1',
    'TOP 1 2',
    'TOP 1 2 3',
    'DELE',
    'DELE 1 2',
    'DELE 1 2 3',
    'DELE 1',
    'LIST 1',
    'RSET',
  ],
  // Message numbers in every shape, for each command that takes one.
  [...login, ...NUMBERS.map((n) => `RETR ${n}`), 'RETR  1', 'RETR 1 ', 'NOOP'],
  [...login, ...NUMBERS.map((n) => `LIST ${n}`), 'LIST  2', 'LIST 2 ', 'NOOP'],
  [...login, ...NUMBERS.map((n) => `UIDL ${n}`), 'UIDL  3', 'UIDL 3 ', 'NOOP'],
  [...login, ...NUMBERS.map((n) => `TOP ${n} 0`), 'TOP  1 0', 'NOOP'],
  [...login, ...NUMBERS.map((n) => `DELE ${n}`), 'DELE  2', 'DELE 3 ', 'STAT', 'RSET'],
  // Large numbers around 32 and 64 bits.
  [
    ...login,
    'RETR 4294967295',
    'RETR 4294967296',
    'LIST 18446744073709551616',
    'TOP 4294967296 1',
    'RETR 4294967296 1',
    'TOP 1 4294967296',
    'NOOP',
  ],
  // TOP's line count: around each body's length, and in every shape.
  [
    ...login,
    'TOP 1 0',
    'TOP 2 1',
    'TOP 2 2',
    'TOP 3 3',
    'TOP 3 4',
    'TOP 3 1000',
    ...NUMBERS.map((n) => `TOP 1 ${n}`),
    'TOP 1  1',
    'TOP 1 0 ',
    'TOP 1 0 0',
    'NOOP',
  ],
  // Typed by hand: case, spaces, tabs, empty lines.
  [
    ...login,
    'stat',
    'Stat',
    'sTaT',
    'list',
    'List 1',
    'uidl 2',
    'top 2 0',
    'retr 3',
    'noop',
    ' STAT',
    'STAT ',
    '',
    'LIST  ',
    'RETR\t1',
    'LIST 1\t',
    'NOOP\t',
    'LAST',
    'rset',
  ],
  // Every message, then DELE and every command on the deleted one; RSET; DELE again, then all.
  [
    ...login,
    'LIST 1',
    'UIDL 1',
    'TOP 1 0',
    'RETR 2',
    'DELE 2',
    'LIST 2',
    'UIDL 2',
    'RETR 2',
    'TOP 2 0',
    'DELE 2',
    'STAT',
    'LIST',
    'UIDL',
    'NOOP',
    'RSET',
    'STAT',
    'DELE 2',
    'DELE 1',
    'DELE 3',
    'STAT',
    'LIST',
    'UIDL',
    'LIST 3',
    'RSET',
    'LIST',
  ],
  // After login: what belongs before it, and CAPA in every form.
  [
    ...login,
    'CAPA',
    'capa x',
    'AUTH',
    'AUTH PLAIN',
    `USER ${CAPTURE_USER}`,
    `PASS ${CAPTURE_PASSWORD}`,
    `APOP ${CAPTURE_USER} ${digest}`,
    'STLS',
    'QUIT x',
  ],
  // QUIT before login after a failure, and after login with nothing changed.
  [`USER ${CAPTURE_USER}`, 'PASS wrong', 'QUIT'],
  [...login, 'LIST', 'QUIT'],
  // QUIT after DELE (changes the mailbox), then what is left.
  [...login, 'DELE 1', 'DELE 3', 'QUIT'],
  [...login, 'STAT', 'LIST', 'RETR 1', 'LIST 2', 'QUIT'],
];
