import type { Dialect } from './dialect';

const messages = (n: number): string => `${n} ${n === 1 ? 'message' : 'messages'}`;

/**
 * The default: texts in the style of RFC 1939's own examples, codes from
 * RFC 2449 and RFC 3206, and limits no tighter than the RFCs allow.
 */
export const rfcDialect: Dialect = {
  name: 'rfc',
  implementation: 'pop3-mock',
  maxLineLength: { AUTHORIZATION: 8192, TRANSACTION: 8192 },
  closeOnLongLine: false,
  maxBadCommands: {},
  ignoreExtraArguments: false,
  capabilities: {},
  lock: 'exclusive',
  mailboxName: (name) => name,
  enforceLoginDelay: true,
  omitAuthAfterLogin: false,
  authListsMechanisms: false,
  texts: {
    greeting: () => 'pop3-mock ready',
    userAccepted: (user) => `send PASS for ${user}`,
    missingArgument: (verb) => `${verb} needs an argument`,
    passWithoutUser: 'send USER first',
    authFailed: '[AUTH] invalid user name or password',
    mailboxInUse: '[IN-USE] maildrop already locked by another session',
    loggedIn: (count, octets) => `maildrop has ${messages(count)} (${octets} octets)`,
    quitAuthorization: 'pop3-mock signing off',
    quitUpdate: (deleted, left) =>
      left === 0
        ? `pop3-mock signing off (${deleted} deleted, maildrop empty)`
        : `pop3-mock signing off (${deleted} deleted, ${messages(left)} left)`,
    listHeader: (count, octets) => `${messages(count)} (${octets} octets)`,
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
    reset: (count, octets) => `maildrop has ${messages(count)} (${octets} octets)`,
    uidlHeader: 'unique-id listing follows',
    capaHeader: 'Capability list follows',
    unknownCommand: (verb) => `unknown command: ${verb}`,
    wrongState: (verb, state) => `${verb} is not valid in the ${state} state`,
    lineTooLong: () => 'line too long',
    badCharacters: 'command contains invalid characters',
    tooManyBadCommands: () => 'too many bad commands, closing',
    autologout: undefined,
    internalError: '[SYS/TEMP] internal error in pop3-mock',
    tooManySessions: '[SYS/TEMP] too many sessions, try again later',
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
