import type { SessionState } from '../session/state';

/**
 * Every reply text the server writes after `+OK ` or `-ERR `, in one place,
 * so a dialect can reproduce a real server's wording text by text.
 * An empty string means a bare `+OK` / `-ERR`.
 */
export interface ReplyTexts {
  greeting: string;
  /** `+OK` to USER. */
  userAccepted(user: string): string;
  missingArgument(verb: string): string;
  passWithoutUser: string;
  /** Wrong password or unknown user. */
  authFailed: string;
  /** Credentials right, but another session holds the maildrop lock. */
  mailboxInUse: string;
  loggedIn(count: number, octets: number): string;
  quitAuthorization: string;
  quitUpdate(deleted: number, left: number): string;
  listHeader(count: number, octets: number): string;
  noSuchMessage(number: string, count: number): string;
  messageDeleted(number: number): string;
  invalidNumber(argument: string): string;
  tooManyArguments(verb: string): string;
  invalidLineCount(argument: string): string;
  retrieved(size: number): string;
  top: string;
  deleted(number: number): string;
  alreadyDeleted(number: number): string;
  noop: string;
  reset(count: number, octets: number): string;
  uidlHeader: string;
  capaHeader: string;
  unknownCommand(verb: string): string;
  wrongState(verb: string, state: SessionState): string;
  lineTooLong: string;
  badCharacters: string;
  tooManyBadCommands: string;
  /** Sent before closing an idle session; `undefined` closes silently as RFC 1939 §3 does. */
  autologout: string | undefined;
  internalError: string;
  /** APOP on a connection whose greeting had no timestamp. */
  apopNotEnabled: string;
  unknownMechanism(name: string): string;
  authCancelled: string;
  /** Invalid base64 or a message the mechanism cannot parse. */
  authMalformed: string;
  /** USER/PASS or a plaintext mechanism before TLS when TLS is required. */
  plaintextDisallowed: string;
  /** `[LOGIN-DELAY]`: a login too soon after the last one (RFC 2449 §8.1.1). */
  loginDelay: string;
  stlsBegin: string;
  tlsAlreadyActive: string;
  utf8Enabled: string;
  /** `[UTF8]`: the message needs UTF-8 mode (RFC 6856 §5). */
  utf8Required: string;
  langChosen(tag: string, description: string): string;
  langUnknown(range: string): string;
  langHeader: string;
  /** `+OK` header of the mechanism list some servers send for a bare `AUTH`. */
  authMechanismList: string;
}

/**
 * A server personality: reply texts plus the behaviours where real servers
 * differ. Plain data, so a test can spread a preset and override one text.
 */
export interface Dialect {
  readonly name: string;
  readonly texts: ReplyTexts;
  /** `IMPLEMENTATION` capability value; `undefined` leaves the capability out. */
  readonly implementation: string | undefined;
  /** Longest command line accepted, CRLF included (RFC 2449 §4 requires at least 255). */
  readonly maxLineLength: number;
  /** Close the connection after answering an over-long line (Dovecot does). */
  readonly closeOnLongLine: boolean;
  /** Consecutive bad commands after which the session is closed; `undefined` never closes. */
  readonly maxBadCommands: number | undefined;
  /** Leave USER and SASL out of CAPA after login (Dovecot does, against RFC 5034 §3). */
  readonly omitAuthAfterLogin: boolean;
  /** Answer a bare `AUTH` with the mechanism list (Dovecot, wildduck) instead of `-ERR`. */
  readonly authListsMechanisms: boolean;
}
