import { capabilityLines, usableMechanisms } from '../capabilities/capability-lines';
import type { CapabilitySettings, CapabilityView } from '../capabilities/settings';
import type { Dialect } from './dialect';
import { rfcDialect } from './rfc';

/** Lines the RFC builder adds for extensions Dovecot never offers, kept when a test turns them on. */
const EXTRA = /^(LOGIN-DELAY|EXPIRE|UTF8|LANG|IMPLEMENTATION)\b/;

/**
 * Dovecot's CAPA: `CAPA TOP UIDL RESP-CODES PIPELINING AUTH-RESP-CODE`, then
 * before login `STLS` (TLS configured, not active), `USER` (cleartext allowed)
 * and `SASL <mechs>` (always there, bare when no mechanism is usable). After
 * login USER and SASL are gone. Extensions Dovecot lacks come last, only when
 * the `capabilities` option turns them on.
 */
function dovecotCapabilities(settings: CapabilitySettings, view: CapabilityView): string[] {
  const out = ['CAPA'];
  if (settings.top) out.push('TOP');
  if (settings.uidl) out.push('UIDL');
  if (settings.respCodes) out.push('RESP-CODES');
  if (settings.pipelining) out.push('PIPELINING');
  if (settings.authRespCode) out.push('AUTH-RESP-CODE');
  if (view.state === 'AUTHORIZATION') {
    if (settings.stls && !view.tlsActive) out.push('STLS');
    if (settings.user && view.plaintextAllowed) out.push('USER');
    if (settings.sasl.length > 0) out.push(['SASL', ...usableMechanisms(settings, view)].join(' '));
  }
  out.push(...capabilityLines(settings, view).filter((line) => EXTRA.test(line)));
  return out;
}

/** `There's no message N.` prints the parsed number, so `LIST 007` says 7. */
const parsed = (argument: string) => argument.replace(/^0+(?=\d)/, '');

/**
 * Dovecot 2.3 with its default settings (`pop3-login` before login, `pop3`
 * after it).
 *
 * Where the texts come from: dovecot/core `src/pop3-login/client.c`
 * (ba9482da: greeting, `Unknown command.`, `Too many invalid bad commands.`
 * after 3, QUIT `Logging out`), `src/pop3-login/client-authenticate.c`
 * (6c554370: CAPA order, bare `+OK` to USER, `No username given.`, `APOP not
 * enabled.`, `Invalid parameters.`, bare AUTH listing the mechanisms),
 * `src/pop3/pop3-commands.c` (babf1691: LIST/RETR/DELE/QUIT texts,
 * `There's no message N.`, `Message is deleted.`, `Invalid message number:`,
 * `Noise after message number:`, `Invalid size:`, `Unknown command: <CMD>`),
 * `src/pop3/pop3-client.c` (`Too many bad commands.` after 20, `Input line
 * too long.`), `src/pop3` (`Logged in.`), `src/login-common` (`Input buffer full, aborting`, auth
 * failures, `Disconnected for inactivity.`), and wire recordings of 2.3.19
 * (`TOP 1` → `Noise after message number: ` with nothing after it).
 *
 * Emulated: every reply text above; bad-command disconnects (3rd unknown
 * command before login, 21st failing command after it; before login a
 * command pop3-login knows resets the count even when it fails, and a
 * command of the TRANSACTION state counts as unknown); a line with no
 * command word is `Unknown command.` in both states; line limits of 1031
 * octets before login (pop3-login reads the command word, then at most 1026
 * octets with the line end: 1031 for its 4-letter commands) and 2048 after,
 * each closing the connection; Dovecot's CAPA order, without USER and SASL
 * after login; a bare `AUTH` listing the mechanisms (PLAIN, LOGIN);
 * `NOOP x`-style extra arguments ignored; USER taking the rest of the line as
 * the name (a bare `USER` gets `+OK`); a bare PASS trying the empty password
 * (it uses up the USER); APOP refused before its arguments are looked at
 * when not offered; message numbers and TOP's size read left to right
 * (argumentReader `scan`: `Invalid message number:`/`Invalid size:` with the
 * rest of the line, `Noise after message number:`/`Noise after size:` with
 * what follows the digits, `Message number too large:` past UINT_MAX, `Size
 * too large:` past 64 bits; the message looked up before TOP's size is
 * read); the texts for broken base64 (initial response; in a response, bad
 * characters and bad padding apart) and a non-hex APOP digest; no maildrop
 * lock (concurrent sessions allowed); `Message N expunged.` to RETR and TOP of
 * a message another session's QUIT removed since login (after the arguments
 * are read; STAT, LIST, UIDL and DELE still answer from the login's list),
 * such a fetch counting as a success for the bad-command count only when
 * numbered above 1 and above every earlier one (see
 * `ReplyTexts.messageExpunged`); the autologout text. Checked against a
 * live Dovecot 2.3.19 by test/integration/capture/ (dovecot-capture.test.ts
 * and dovecot-hold-out-2.test.ts, their hold-outs; dovecot-expunged.test.ts).
 *
 * Not emulated: the 2 s delay after a failed login; `[SYS/TEMP]` auth
 * backend errors; the per-user+IP connection cap; `pop3_lock_session`; the
 * UIDL format (`%08Xu%08Xv`: the mock keeps its own uids unless a test sets
 * them); the larger limit of AUTH lines before login (the 1031-octet limit
 * applies to them too), and pop3-login's limit for command words other than 4 letters
 * (1026 octets after a word of up to 8, 1034 in all otherwise); the reset
 * (RST, not FIN) a client sees when Dovecot closes on a long line it has
 * not read to the end; control characters and 8-bit octets in commands
 * (Dovecot takes them and, after login, echoes them; the mock refuses the
 * line and never writes them); `TOP n 18446744073709551615` (Dovecot's "whole
 * message" value: it answers as RETR does); the `TLS support isn't
 * enabled.` reply to STLS without TLS (the mock calls STLS unknown then);
 * LAST (`pop3_enable_last`).
 */
export const dovecotDialect: Dialect = {
  name: 'dovecot',
  implementation: undefined,
  // pop3-login: 1026 octets after a command word of 4 letters and its space (see above).
  maxLineLength: { AUTHORIZATION: 1031, TRANSACTION: 2048 },
  closeOnLongLine: true,
  maxBadCommands: { AUTHORIZATION: 3, TRANSACTION: 21 },
  ignoreExtraArguments: true,
  capabilities: {
    implementation: undefined,
    sasl: ['PLAIN', 'LOGIN'],
    pipelining: true,
    respCodes: true,
    authRespCode: true,
    loginDelay: undefined,
    expire: undefined,
    utf8: false,
    lang: false,
  },
  capabilityLines: dovecotCapabilities,
  lock: 'none',
  mailboxName: (name) => name,
  enforceLoginDelay: false,
  knownCommandResetsBadCount: true,
  userTakesRestOfLine: true,
  // pop3-login keeps last_user until PASS, whatever comes between.
  userKeptUntilPass: true,
  // cmd_auth() passes everything after the mechanism name to SASL as the initial response.
  authTakesRestOfLine: true,
  // get_msgnum() and get_size(): left to right, message numbers up to UINT_MAX.
  argumentReader: { kind: 'scan', largestMessageNumber: 4_294_967_295 },
  barePassTriesEmptyPassword: true,
  omitAuthAfterLogin: true,
  authListsMechanisms: true,
  texts: {
    ...rfcDialect.texts,
    greeting: () => 'Dovecot ready.',
    userAccepted: () => '',
    missingArgument: (verb) => {
      switch (verb) {
        case 'PASS':
          return '[AUTH] Authentication failed.';
        case 'APOP':
          return 'Invalid parameters.';
        case 'USER':
          return 'No username given.';
        default:
          return 'Invalid message number: ';
      }
    },
    passWithoutUser: 'No username given.',
    authFailed: '[AUTH] Authentication failed.',
    mailboxInUse: '[IN-USE] Mailbox is locked by another POP3 session.',
    loggedIn: () => 'Logged in.',
    quitAuthorization: 'Logging out',
    quitUpdate: (deleted) => (deleted > 0 ? 'Logging out, messages deleted.' : 'Logging out.'),
    listHeader: (count) => `${count} messages:`,
    noSuchMessage: (number) => `There's no message ${parsed(number)}.`,
    messageDeleted: () => 'Message is deleted.',
    // Measured on 2.3.19: only RETR and TOP read the message; STAT, LIST, UIDL, DELE use the login's list.
    messageExpunged: (number) => `Message ${number} expunged.`,
    // get_msgnum() and get_size() print the rest of the line from the bad argument.
    invalidNumber: (_argument, rest) => `Invalid message number: ${rest}`,
    // Only APOP counts its arguments; the message-number commands scan (argumentReader), AUTH takes the rest.
    tooManyArguments: (verb, extra) =>
      verb === 'APOP'
        ? 'Invalid parameters.'
        : `Noise after message number: ${extra.map((a) => ` ${a}`).join('')}`,
    invalidLineCount: (_argument, rest) => `Invalid size: ${rest}`,
    junkAfterNumber: (junk) => `Noise after message number: ${junk}`,
    junkAfterLineCount: (junk) => `Noise after size: ${junk}`,
    numberTooLarge: (rest) => `Message number too large: ${rest}`,
    lineCountTooLarge: (rest) => `Size too large: ${rest}`,
    retrieved: (size) => `${size} octets`,
    top: '',
    deleted: () => 'Marked to be deleted.',
    alreadyDeleted: () => 'Message is deleted.',
    noop: '',
    reset: () => '',
    uidlHeader: '',
    capaHeader: '',
    unknownCommand: (verb, state) =>
      state === 'AUTHORIZATION' ? 'Unknown command.' : `Unknown command: ${verb.toUpperCase()}`,
    // A line with no command word, before or after login.
    emptyCommand: () => 'Unknown command.',
    wrongState: (verb, state) =>
      state === 'AUTHORIZATION' ? 'Unknown command.' : `Unknown command: ${verb.toUpperCase()}`,
    lineTooLong: (state) =>
      state === 'AUTHORIZATION' ? 'Input buffer full, aborting' : 'Input line too long.',
    badCharacters: 'Unknown command.',
    tooManyBadCommands: (state) =>
      state === 'AUTHORIZATION' ? 'Too many invalid bad commands.' : 'Too many bad commands.',
    autologout: 'Disconnected for inactivity.',
    internalError: '[SYS/TEMP] Internal error occurred. Refer to server log for more information.',
    apopNotEnabled: 'APOP not enabled.',
    unknownMechanism: () => '[AUTH] Unsupported authentication mechanism.',
    authCancelled: 'Authentication aborted by client.',
    authMalformed: '[AUTH] Authentication failed.',
    authBadInitialBase64: '[AUTH] Invalid base64 data in initial response',
    authBadBase64: '[AUTH] Invalid base64 in response',
    authBadBase64Padding: '[AUTH] Invalid base64 data in continued response',
    apopBadDigest: 'Invalid characters in MD5 response.',
    // Dovecot checks the digest's length before its characters.
    apopBadDigestLength: 'Invalid parameters.',
    plaintextDisallowed: '[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
    stlsBegin: 'Begin TLS negotiation now.',
    tlsAlreadyActive: 'TLS is already active.',
    authMechanismList: '',
  },
};
