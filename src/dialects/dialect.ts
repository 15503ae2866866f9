import type { CapabilitySettings, CapabilityView } from '../capabilities/settings';
import type { LockMode, SessionState } from '../vocabulary';

/** What a greeting text may depend on. */
export interface GreetingInfo {
  readonly remoteAddress: string;
  readonly sessionId: number;
}

/** The commands that log in. */
export type LoginVerb = 'PASS' | 'APOP' | 'AUTH';

/**
 * How LIST n, UIDL n, RETR, DELE and TOP read their arguments.
 *
 * `words` (RFC 1939 style): the line is split into space-separated words,
 * their count checked first (`missingArgument`, `tooManyArguments`), then
 * each word must be all digits (`invalidNumber`, `invalidLineCount`).
 *
 * `scan` (Dovecot): the rest of the line is read left to right, as a C server
 * reads it. Leading spaces are skipped; a number is the digits there (none:
 * `invalidNumber` / `invalidLineCount`, with the rest of the line as typed);
 * past 2^64 - 1 it cannot be read (`numberTooLarge` / `lineCountTooLarge`
 * with the rest of the line from the number); a message number past
 * `largestMessageNumber` is refused too (`numberTooLarge` with what follows
 * its digits). Then anything but the line end (or, after TOP's message
 * number, a space) is junk (`junkAfterNumber` / `junkAfterLineCount`); the
 * message is looked up before TOP's line count is read. A missing argument
 * is an empty one, a surplus one junk.
 */
export type ArgumentReader =
  | { readonly kind: 'words' }
  | { readonly kind: 'scan'; readonly largestMessageNumber?: number };

/**
 * Every reply text the server writes after `+OK ` or `-ERR `, in one place,
 * so a dialect can reproduce a real server's wording text by text.
 * An empty string means a bare `+OK` / `-ERR`.
 */
export interface ReplyTexts {
  greeting(info: GreetingInfo): string;
  /** `+OK` to USER. */
  userAccepted(user: string): string;
  missingArgument(verb: string): string;
  passWithoutUser: string;
  /** Wrong password or unknown user. */
  authFailed: string;
  /** Credentials right, but another session holds the maildrop lock. */
  mailboxInUse: string;
  /** `via`: the command that logged in (`PASS`, `APOP` or `AUTH`). */
  loggedIn(count: number, octets: number, via?: LoginVerb): string;
  quitAuthorization: string;
  quitUpdate(deleted: number, left: number): string;
  listHeader(count: number, octets: number): string;
  noSuchMessage(number: string, count: number): string;
  messageDeleted(number: number): string;
  /**
   * RETR or TOP of a message another session's UPDATE removed after this
   * session logged in (lock `'none'`; Dovecot: `Message N expunged.`). Such a
   * fetch of a message numbered above 1 and above every one fetched so
   * before resets the bad-command count as a success does; any other (message
   * 1, a repeat, a lower number) counts as bad (Dovecot 2.3, measured).
   * Absent: the message is sent from the session's snapshot, fixed at login.
   */
  messageExpunged?(number: number): string;
  /** `rest`: the argument and the ones after it, joined by single spaces (Dovecot echoes them all). */
  invalidNumber(argument: string, rest: string): string;
  /** `extra` holds the arguments past the ones the command takes. */
  tooManyArguments(verb: string, extra: readonly string[]): string;
  /** `rest`: as for {@link ReplyTexts.invalidNumber}. */
  invalidLineCount(argument: string, rest: string): string;
  /**
   * `scan` readers ({@link ArgumentReader}): what follows a message number's
   * digits where a space or the line end should be, as typed (`RETR 1.5`: `.5`).
   */
  junkAfterNumber(junk: string): string;
  /** `scan` readers: what follows TOP's line count, as typed (`TOP 1 0 0`: ` 0`). */
  junkAfterLineCount(junk: string): string;
  /** `scan` readers: a message number too large to read; `rest` as the reader says. */
  numberTooLarge(rest: string): string;
  /** `scan` readers: a line count too large to read (past 64 bits); `rest` from the count on. */
  lineCountTooLarge(rest: string): string;
  retrieved(size: number): string;
  top: string;
  deleted(number: number): string;
  alreadyDeleted(number: number): string;
  noop: string;
  /** After RSET: live messages and octets, and how many deletion marks were removed. */
  reset(count: number, octets: number, unmarked: number): string;
  uidlHeader: string;
  capaHeader: string;
  unknownCommand(verb: string, state: SessionState): string;
  /** A line with no command word (empty, or starting with a space); absent: `unknownCommand` of an empty verb. */
  emptyCommand?(state: SessionState): string;
  wrongState(verb: string, state: SessionState): string;
  lineTooLong(state: SessionState): string;
  badCharacters: string;
  tooManyBadCommands(state: SessionState): string;
  /** Sent before closing an idle session; `undefined` closes silently as RFC 1939 §3 does. */
  autologout: string | undefined;
  internalError: string;
  /** Greeting of a connection refused because `maxSessions` are open. */
  tooManySessions: string;
  /** APOP on a connection whose greeting had no timestamp. */
  apopNotEnabled: string;
  unknownMechanism(name: string): string;
  authCancelled: string;
  /** A SASL message the mechanism cannot parse. */
  authMalformed: string;
  /** An initial response (`AUTH PLAIN <here>`) that is not base64. */
  authBadInitialBase64: string;
  /** A response line inside an AUTH exchange with characters outside the base64 alphabet. */
  authBadBase64: string;
  /** A response line of base64 characters whose length or `=` padding is wrong; absent: `authBadBase64`. */
  authBadBase64Padding?: string;
  /** An APOP digest of 32 characters that are not all hex digits (of another length: `apopBadDigestLength`). */
  apopBadDigest: string;
  /** An APOP digest that is not 32 characters long (Dovecot checks the length first); absent: `apopBadDigest`. */
  apopBadDigestLength?: string;
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
  /** Longest command line accepted per state, CRLF included (RFC 2449 §4 requires at least 255). */
  readonly maxLineLength: Readonly<Record<'AUTHORIZATION' | 'TRANSACTION', number>>;
  /** Close the connection after answering an over-long line (Dovecot does). */
  readonly closeOnLongLine: boolean;
  /**
   * Consecutive bad commands after which the session is closed, per state;
   * absent: never. Before login, unknown, wrong-state and malformed lines
   * count (failed logins do not); after login every `-ERR` counts. Any
   * success resets the count.
   */
  readonly maxBadCommands: Readonly<Partial<Record<'AUTHORIZATION' | 'TRANSACTION', number>>>;
  /** Commands without arguments ignore extra ones (Dovecot answers `NOOP x` with `+OK`). */
  readonly ignoreExtraArguments: boolean;
  /** Capability defaults of this server; `startPop3Mock`'s `capabilities` option overrides them. */
  readonly capabilities: Partial<CapabilitySettings>;
  /** This server's own CAPA list, where its order or content differs from the RFC-built one. */
  readonly capabilityLines?: (settings: CapabilitySettings, view: CapabilityView) => string[];
  /** Default maildrop locking; the `lock` option overrides it. */
  readonly lock: LockMode;
  /**
   * Refuses USER, PASS and plaintext SASL until TLS is up, with
   * `texts.plaintextDisallowed` (a server that lists USER only after STLS);
   * default false. The `requireTls` option overrides it.
   */
  readonly requireTls?: boolean;
  /** Maps the name a client logs in with to a mailbox name (Gmail's `recent:` prefix). */
  readonly mailboxName: (loginName: string) => string;
  /** Enforce LOGIN-DELAY when it is advertised (RFC 2449 §6.5 says SHOULD). */
  readonly enforceLoginDelay: boolean;
  /**
   * Before login, any command valid before login resets the bad-command
   * count, even one that fails (Dovecot: pop3-login knows only its own
   * commands, so `STAT` there counts as bad like a made-up verb).
   */
  readonly knownCommandResetsBadCount?: boolean;
  /**
   * USER takes the rest of the line as the name, none and spaces included,
   * and answers `+OK` (Dovecot); otherwise it takes exactly one argument.
   */
  readonly userTakesRestOfLine?: boolean;
  /**
   * USER's name waits for PASS across other commands, a failed USER
   * included (Dovecot keeps its `last_user`, GreenMail its state's user).
   * Otherwise PASS counts only right after a `+OK` to USER (RFC 1939 §7):
   * any other command forgets the name, and PASS then gets `passWithoutUser`.
   */
  readonly userKeptUntilPass?: boolean;
  /** A failed PASS keeps USER's name for the next PASS (GreenMail); otherwise a retry needs USER again. */
  readonly failedPassKeepsUser?: boolean;
  /**
   * AUTH's initial response is the rest of the line after the mechanism, so
   * more words make it bad base64 (Dovecot); otherwise AUTH takes at most two
   * arguments and more get `tooManyArguments`.
   */
  readonly authTakesRestOfLine?: boolean;
  /**
   * The shape of this server's APOP timestamp, e.g. `<{hex}.{digits}.{hex}.{base64}@{host}>`
   * (`{digits}`, `{hex}`: numbers, `{base64}`: random bytes, `{host}`: the
   * `hostname` option). A dialect with one offers APOP unless the `apop`
   * option says `false`.
   */
  readonly apopTimestamp?: string;
  /** How the message-number commands read their arguments; absent: `words`. */
  readonly argumentReader?: ArgumentReader;
  /**
   * A bare PASS tries the empty password (Dovecot): it fails as a wrong
   * password does and uses up the USER. Otherwise it is `missingArgument`
   * and the USER is kept.
   */
  readonly barePassTriesEmptyPassword?: boolean;
  /** States a command is valid in, where this server differs from RFC 1939 (GreenMail takes NOOP before login). */
  readonly commandStates?: Readonly<Record<string, readonly SessionState[]>>;
  /** Leave USER and SASL out of CAPA after login (Dovecot does, against RFC 5034 §3). */
  readonly omitAuthAfterLogin: boolean;
  /** Answer a bare `AUTH` with the mechanism list (Dovecot, wildduck) instead of `-ERR`. */
  readonly authListsMechanisms: boolean;
}
