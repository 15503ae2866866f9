import type { CapabilitySettings } from '../capabilities/settings';
import type { Dialect } from './dialect';
import { rfcDialect } from './rfc';

/** The GreenMail release whose greeting the preset copies. */
export const GREENMAIL_VERSION = '2.1.3';

/**
 * GreenMail's CAPA in every state: `UIDL` and `SASL <mechs>`, nothing else.
 * USER and TOP work but are not listed.
 */
function greenmailCapabilities(settings: CapabilitySettings): string[] {
  const out: string[] = [];
  if (settings.uidl) out.push('UIDL');
  if (settings.sasl.length > 0) out.push(`SASL ${settings.sasl.join(' ')}`);
  return out;
}

/**
 * GreenMail, the Java test mail server, as of v2.1.
 *
 * Where the texts come from: greenmail-mail-test/greenmail,
 * `greenmail-core/src/main/java/com/icegreen/greenmail/pop3/Pop3Handler.java`
 * (88f99eb5: greeting `POP3 GreenMail Server v<version> ready`, `Command not
 * recognized`, `Command not valid for this state`) and `pop3/commands/*.java`
 * (UserCommand, PassCommand, AuthCommand, CapaCommand, ListCommand,
 * RetrCommand, TopCommand, DeleCommand, RsetCommand, NoopCommand,
 * QuitCommand, ApopCommand); a v2.1.3 transcript for the greeting. Exception
 * texts (`java.lang...`) are what those commands print for `-ERR " + e`.
 *
 * Emulated: the texts; CAPA `UIDL` + `SASL PLAIN XOAUTH2` in both states,
 * while USER and TOP still work; no STLS (`Command not recognized`); no
 * RESP-CODES, PIPELINING or IMPLEMENTATION; no bad-command limit, no line
 * limit to speak of; no maildrop lock; idle sessions closed silently.
 *
 * Not emulated: NOOP (and RSET) before login, which GreenMail accepts in any
 * state; RSET's two lines (`+OK` then `+OK maildrop has <k> messages
 * undeleted.`: the mock sends the second one only, and its `<k>` is the
 * number of live messages, not of the ones undeleted, since the type passes
 * no such count); the separate text for a failed AUTH (`Authentication
 * failed: Invalid password`: the PASS text is used for both); USER of an
 * unknown user (GreenMail may refuse or create it; the mock says `+OK`);
 * numeric IMAP UIDs in UIDL (the mock keeps its own uids); extra arguments,
 * which GreenMail ignores (the mock refuses `RETR 1 2` with the RFC text); RETR/LIST/TOP of a message marked deleted, which
 * GreenMail still serves (the mock answers `no such message`); LIST and STAT
 * sizes counting the body only (a real GreenMail bug: use a size-skew fault);
 * the `421` line GreenMail writes on a socket timeout.
 */
export const greenmailDialect: Dialect = {
  name: 'greenmail',
  implementation: undefined,
  maxLineLength: { AUTHORIZATION: 65_536, TRANSACTION: 65_536 },
  closeOnLongLine: false,
  maxBadCommands: {},
  ignoreExtraArguments: true,
  capabilities: {
    implementation: undefined,
    user: true,
    top: true,
    uidl: true,
    pipelining: false,
    respCodes: false,
    authRespCode: false,
    sasl: ['PLAIN', 'XOAUTH2'],
    stls: false,
    loginDelay: undefined,
    expire: undefined,
    utf8: false,
    lang: false,
  },
  capabilityLines: greenmailCapabilities,
  lock: 'none',
  mailboxName: (name) => name,
  enforceLoginDelay: false,
  // Pop3Handler lets QUIT, NOOP, RSET and CAPA run in any state; NOOP needs no maildrop.
  commandStates: { NOOP: ['AUTHORIZATION', 'TRANSACTION'] },
  // Its state holds the user USER found until a login; no other command, nor a failed PASS, clears it.
  userKeptUntilPass: true,
  failedPassKeepsUser: true,
  omitAuthAfterLogin: false,
  authListsMechanisms: false,
  texts: {
    ...rfcDialect.texts,
    greeting: () => `POP3 GreenMail Server v${GREENMAIL_VERSION} ready`,
    userAccepted: () => '',
    missingArgument: (verb) => {
      switch (verb) {
        case 'USER':
          return 'Required syntax: USER <username>';
        case 'PASS':
          return 'Required syntax: PASS <username>';
        case 'AUTH':
          return 'Required syntax: AUTH mechanism [initial-response] but received <AUTH>';
        case 'APOP':
          return 'APOP not supported';
        case 'TOP':
          return 'java.lang.IllegalArgumentException: range and line count required';
        default:
          return 'java.lang.ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 1';
      }
    },
    passWithoutUser: 'USER required',
    authFailed: 'Authentication failed: com.icegreen.greenmail.user.UserException: Invalid password',
    loggedIn: () => '',
    quitAuthorization: 'bye see you soon',
    quitUpdate: () => 'bye see you soon',
    listHeader: () => '',
    noSuchMessage: () => 'no such message',
    messageDeleted: () => 'no such message',
    invalidNumber: (argument) => `java.lang.NumberFormatException: For input string: "${argument}"`,
    invalidLineCount: (argument) => `java.lang.NumberFormatException: For input string: "${argument}"`,
    retrieved: () => '',
    top: '',
    deleted: () => 'message scheduled for deletion',
    alreadyDeleted: () => 'message already deleted',
    noop: 'noop rimes with poop',
    reset: (_count, _octets, unmarked) => `maildrop has ${unmarked} messages undeleted.`,
    uidlHeader: '',
    capaHeader: '',
    unknownCommand: () => 'Command not recognized',
    wrongState: () => 'Command not valid for this state',
    apopNotEnabled: 'APOP not supported',
    unknownMechanism: (name) =>
      `Required syntax: AUTH mechanism <${name}> not supported, expected one of [PLAIN, XOAUTH2]`,
    authMalformed: 'Authentication failed, expected base64 encoding : Illegal base64 character',
    authBadInitialBase64: 'Authentication failed, expected base64 encoding : Illegal base64 character',
    authBadBase64: 'Authentication failed, expected base64 encoding : Illegal base64 character',
    apopBadDigest: 'Authentication failed, expected base64 encoding : Illegal base64 character',
    autologout: undefined,
  },
};
