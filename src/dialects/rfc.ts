import type { Dialect } from './dialect';

/**
 * The default: texts in the style of RFC 1939's own examples, codes from
 * RFC 2449 and RFC 3206, and limits no tighter than the RFCs allow.
 */
export const rfcDialect: Dialect = {
  name: 'rfc',
  implementation: 'pop3-mock',
  maxLineLength: 8192,
  closeOnLongLine: false,
  maxBadCommands: undefined,
  omitAuthAfterLogin: false,
  authListsMechanisms: false,
  texts: {
    greeting: 'pop3-mock ready',
    userAccepted: (user) => `send PASS for ${user}`,
    missingArgument: (verb) => `${verb} needs an argument`,
    passWithoutUser: 'send USER first',
    authFailed: '[AUTH] invalid user name or password',
    mailboxInUse: '[IN-USE] maildrop already locked by another session',
    loggedIn: (count, octets) => `maildrop has ${count} messages (${octets} octets)`,
    quitAuthorization: 'pop3-mock signing off',
    quitUpdate: (deleted, left) =>
      left === 0
        ? `pop3-mock signing off (${deleted} deleted, maildrop empty)`
        : `pop3-mock signing off (${deleted} deleted, ${left} ${left === 1 ? 'message' : 'messages'} left)`,
    listHeader: (count, octets) => `${count} messages (${octets} octets)`,
    noSuchMessage: (number, count) => `no such message ${number}, only ${count} messages in maildrop`,
    messageDeleted: (number) => `message ${number} is deleted`,
    invalidNumber: (argument) => `invalid message number: ${argument}`,
    tooManyArguments: (verb) => `too many arguments for ${verb}`,
    invalidLineCount: (argument) => `invalid line count: ${argument}`,
    retrieved: (size) => `${size} octets`,
    top: 'top of message follows',
    deleted: (number) => `message ${number} deleted`,
    alreadyDeleted: (number) => `message ${number} already deleted`,
    noop: '',
    reset: (count, octets) => `maildrop has ${count} messages (${octets} octets)`,
    uidlHeader: 'unique-id listing follows',
    capaHeader: 'Capability list follows',
    unknownCommand: (verb) => `unknown command: ${verb}`,
    wrongState: (verb, state) => `${verb} is not valid in the ${state} state`,
    lineTooLong: 'line too long',
    badCharacters: 'command contains invalid characters',
    tooManyBadCommands: 'too many bad commands, closing',
    autologout: undefined,
    internalError: '[SYS/TEMP] internal error in pop3-mock',
    apopNotEnabled: 'APOP is not enabled on this server',
    unknownMechanism: (name) => `unsupported SASL mechanism: ${name}`,
    authCancelled: 'authentication cancelled by client',
    authMalformed: 'invalid authentication data',
    plaintextDisallowed: '[AUTH] plaintext authentication is not allowed before STLS',
    loginDelay: '[LOGIN-DELAY] too soon after the last login',
    stlsBegin: 'Begin TLS negotiation',
    tlsAlreadyActive: 'TLS is already active',
    utf8Enabled: 'UTF8 enabled',
    utf8Required: '[UTF8] message needs UTF8 mode',
    langChosen: (tag, description) => `${tag} ${description}`,
    langUnknown: (range) => `unsupported language: ${range}`,
    langHeader: 'Language listing follows',
    authMechanismList: 'supported SASL mechanisms follow',
  },
};
