import type { Dialect } from './dialect';
import { rfcDialect } from './rfc';

/**
 * A bare RFC 1939 server: USER/PASS, STAT, LIST, RETR, DELE, NOOP, RSET and
 * QUIT, nothing optional. Use it to test a client's fallbacks: no CAPA, no
 * UIDL (so no "leave mail on server" by uid), no TOP, no SASL, no STLS, no
 * response codes.
 *
 * Where the texts come from: the examples of RFC 1939 itself (§5-§7), with
 * the example's names taken out: `POP3 server ready`, `<user> is a real
 * hoopy frood`, `maildrop has N messages (M octets)`, `no such message, only
 * N messages in maildrop`, `message N deleted`, `message N already
 * deleted`, `POP3 server signing off (maildrop empty)`. The texts RFC 1939
 * has no example for keep the rfc dialect's.
 *
 * CAPA is an unknown command (`-ERR unknown command: CAPA`), as on a server
 * without CAPA (RFC 2449 §5). Not emulated: APOP (off unless the `apop` option
 * turns it on).
 */
export const rfc1939MinimalDialect: Dialect = {
  ...rfcDialect,
  name: 'rfc1939-minimal',
  implementation: undefined,
  capabilities: {
    capa: false,
    implementation: undefined,
    user: true,
    top: false,
    uidl: false,
    sasl: [],
    stls: false,
    pipelining: false,
    respCodes: false,
    authRespCode: false,
    loginDelay: undefined,
    expire: undefined,
    utf8: false,
    lang: false,
  },
  texts: {
    ...rfcDialect.texts,
    greeting: () => 'POP3 server ready',
    userAccepted: (user) => `${user} is a real hoopy frood`,
    authFailed: 'invalid password',
    mailboxInUse: 'maildrop already locked',
    loggedIn: (count, octets) => `maildrop has ${count} messages (${octets} octets)`,
    quitAuthorization: 'POP3 server signing off',
    quitUpdate: (_deleted, left) =>
      left === 0
        ? 'POP3 server signing off (maildrop empty)'
        : `POP3 server signing off (${left} messages left)`,
    listHeader: (count, octets) => `${count} messages (${octets} octets)`,
    noSuchMessage: (_number, count) => `no such message, only ${count} messages in maildrop`,
    messageDeleted: () => 'no such message',
    retrieved: (size) => `${size} octets`,
    deleted: (number) => `message ${number} deleted`,
    alreadyDeleted: (number) => `message ${number} already deleted`,
    noop: '',
    reset: (count, octets) => `maildrop has ${count} messages (${octets} octets)`,
  },
};
