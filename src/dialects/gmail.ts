import type { CapabilitySettings, CapabilityView } from '../capabilities/settings';
import type { Dialect } from './dialect';
import { rfcDialect } from './rfc';

/**
 * Gmail's CAPA, in its order: `USER RESP-CODES [PIPELINING] EXPIRE 0
 * LOGIN-DELAY 300 TOP UIDL X-GOOGLE-RICO [SASL ...]`. PIPELINING shows only
 * after login, SASL only before it. SASL lists every configured mechanism as
 * Gmail does (it only speaks TLS), although the session accepts OAUTHBEARER
 * only under TLS.
 */
function gmailCapabilities(settings: CapabilitySettings, view: CapabilityView): string[] {
  const out: string[] = [];
  const loggedIn = view.state === 'TRANSACTION';
  if (settings.user && view.plaintextAllowed) out.push('USER');
  if (settings.respCodes) out.push('RESP-CODES');
  if (settings.pipelining && loggedIn) out.push('PIPELINING');
  if (settings.expire !== undefined) out.push(`EXPIRE ${settings.expire}`);
  if (settings.loginDelay !== undefined) out.push(`LOGIN-DELAY ${settings.loginDelay}`);
  if (settings.top) out.push('TOP');
  if (settings.uidl) out.push('UIDL');
  out.push('X-GOOGLE-RICO');
  if (!loggedIn && settings.sasl.length > 0) out.push(`SASL ${settings.sasl.join(' ')}`);
  return out;
}

const RECENT = 'recent:';

/**
 * Gmail's POP3 server (pop.gmail.com:995).
 *
 * Where the texts come from: transcripts in fetchmail logs and bug reports,
 * node-pop3/poplib demos against pop.gmail.com, MailKit's Gmail test data
 * (the CAPA list after login) and the 2025 CAPA list before login quoted in
 * a Horde pull request (#36): greeting `Gpop ready for
 * requests from <ip> <id>`, `send PASS`, `Welcome.`, `[AUTH] Username and
 * password not accepted.`, `<n> messages (<octets> bytes)`, `message
 * follows`, `marked for deletion`, `Farewell.`, `Capability list follows`,
 * LAST `Not supported`.
 *
 * Emulated: those texts; the CAPA list and order before and after login;
 * `EXPIRE 0` (what a session retrieved is gone after QUIT, as in Gmail's
 * default "normal" POP mode); `LOGIN-DELAY 300` advertised but not enforced;
 * the `recent:` user-name prefix logging into the same mailbox; no STLS
 * (Gmail is implicit TLS only: use `tlsPort`); no IMPLEMENTATION.
 *
 * Not emulated, or guessed: the error texts for unknown commands, PASS
 * without USER and bad message numbers were not found in any transcript:
 * `bad command` and `no such message` are guesses; recent mode's "last 30 days, retrieved or
 * not" listing (`recent:` only maps the name); UIDL values (`GmailId` + 16
 * hex digits: the mock keeps its own uids unless a test sets them); the
 * greeting id is made up per session; `[SYS/PERM]` replies for accounts
 * without POP access; Gmail's locking (the RFC lock is kept).
 */
export const gmailDialect: Dialect = {
  name: 'gmail',
  implementation: undefined,
  maxLineLength: rfcDialect.maxLineLength,
  closeOnLongLine: false,
  maxBadCommands: {},
  ignoreExtraArguments: false,
  capabilities: {
    implementation: undefined,
    user: true,
    respCodes: true,
    pipelining: true,
    authRespCode: false,
    expire: 0,
    loginDelay: 300,
    top: true,
    uidl: true,
    sasl: ['PLAIN', 'XOAUTH2', 'OAUTHBEARER'],
    stls: false,
    utf8: false,
    lang: false,
  },
  capabilityLines: gmailCapabilities,
  lock: 'exclusive',
  mailboxName: (name) => (name.startsWith(RECENT) ? name.slice(RECENT.length) : name),
  enforceLoginDelay: false,
  omitAuthAfterLogin: false,
  authListsMechanisms: false,
  texts: {
    ...rfcDialect.texts,
    greeting: ({ remoteAddress, sessionId }) =>
      `Gpop ready for requests from ${remoteAddress} pm${sessionId}mb${String(sessionId).padStart(8, '0')}mck`,
    userAccepted: () => 'send PASS',
    passWithoutUser: 'bad command',
    authFailed: '[AUTH] Username and password not accepted.',
    loggedIn: () => 'Welcome.',
    quitAuthorization: 'Farewell.',
    quitUpdate: () => 'Farewell.',
    listHeader: (count, octets) => `${count} messages (${octets} bytes)`,
    noSuchMessage: () => 'no such message',
    messageDeleted: () => 'no such message',
    retrieved: () => 'message follows',
    top: 'message follows',
    deleted: () => 'marked for deletion',
    alreadyDeleted: () => 'no such message',
    noop: '',
    reset: () => '',
    uidlHeader: '',
    capaHeader: 'Capability list follows',
    unknownCommand: (verb) => (verb.toUpperCase() === 'LAST' ? 'Not supported' : 'bad command'),
    wrongState: () => 'bad command',
  },
};
