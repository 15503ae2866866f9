import type { CapabilitySettings } from './capabilities/settings';
import type { Clock } from './clock';
import type { ControlOptions } from './control/control-server';
import type { Dialect, DialectName } from './dialects';
import type { DialectFile } from './dialects/dialect-file';
import type { FaultRuleInput } from './faults/rule';
import type { MessageSource } from './fixtures/types';
import type { TlsOptions } from './server/tls/tls-material';
import type { SmtpOptions } from './smtp/intake';
import type { LockMode } from './vocabulary';

/** One user of the mock: a password and the messages the mailbox starts with. */
export interface UserOptions {
  password: string;
  /** Messages in maildrop order; see {@link MessageSource} for what can be given. */
  messages?: MessageSource | readonly MessageSource[];
  /** OAuth bearer token for XOAUTH2 and OAUTHBEARER: the one valid token, or a function that checks one. */
  oauthToken?: string | ((token: string) => boolean);
}

/** Options of {@link startPop3Mock}. Every one is optional. */
export interface Pop3MockOptions {
  /** Address to bind. Default `127.0.0.1` (loopback only). */
  host?: string;
  /**
   * Preferred port. Default `0`: an ephemeral port chosen by the system, race-free.
   * A taken preferred port falls back to a free one unless `portFallback` is false.
   * A string of digits (`'2110'`, as from an environment variable) is read exactly.
   */
  port?: number | string;
  /**
   * When the preferred `port` is taken: `true` (default) picks another, `false` fails with EADDRINUSE.
   * Only `port`: a taken `tlsPort`, `control.port` or `smtp` port always fails with EADDRINUSE.
   */
  portFallback?: boolean;
  /** Users by name. A string is taken as the password of a user with an empty mailbox. */
  users?: Record<string, UserOptions | string>;
  /** Base folder for relative fixture paths. Default `process.cwd()`. */
  baseDir?: string;
  /**
   * Server personality. Default the RFC dialect. A preset's name, a `Dialect`
   * object, or a dialect file's content (`loadDialect(path)`, or the parsed
   * JSON `pop3-mock capture` wrote), checked like every option.
   */
  dialect?: Dialect | DialectName | DialectFile;
  /**
   * `exclusive` (RFC 1939 §4): a second login to a maildrop in use gets `-ERR [IN-USE]`.
   * `none`: concurrent sessions are allowed, as Dovecot does by default.
   * Default: the dialect's (`none` for `dovecot` and `greenmail`, else `exclusive`).
   */
  lock?: LockMode;
  /**
   * Start the HTTP control API on loopback (`pop3.controlUrl`, `pop3.controlToken`),
   * for other processes: jest workers, Python or Java test suites, the browser view.
   */
  control?: boolean | ControlOptions;
  /**
   * Also listen for SMTP (with STARTTLS, AUTH, and SMTPS with `tlsPort`) and deliver into
   * mailboxes by recipient (`pop3.smtpPort`, `pop3.smtpTlsPort`); see {@link SmtpOptions}.
   */
  smtp?: boolean | SmtpOptions;
  /**
   * Most sessions at once; more connections get an `-ERR [SYS/TEMP]` greeting and are closed
   * (each is in `sessions`, ended with reason `refused`). Default: no limit.
   */
  maxSessions?: number;
  /**
   * How many ended sessions the transcript recorder keeps: beyond this, the
   * records of the sessions that ended first are dropped (open sessions are
   * always kept; ids never change). Every view then says so:
   * `droppedSessions()`, `exportTranscripts().dropped`, a first line in
   * `transcript()`, and `verify()`, which counts kept sessions only and
   * refuses an upper bound (`times: 0`, `atMost`, an exact count) that a
   * dropped session could break. What a dropped session's UPDATE removed
   * stays listed, its bytes let go (`DeletedMessage.bytes`). Default `'all'`
   * (no limit: tests call `reset()`); the CLI keeps 1000 unless told otherwise.
   */
  keepSessions?: number | 'all';
  /** Idle time before a session is closed without UPDATE. Default 600000 (10 minutes, RFC 1939 §3). */
  autologoutMs?: number;
  /** Turn optional capabilities on or off; a command whose capability is off is refused. */
  capabilities?: Partial<CapabilitySettings>;
  /**
   * Fault rules active for the server's whole life (`reset()` keeps them); see
   * `on()` and `connection()`. A string is the path of a JSON fixture holding
   * an array of rules (relative to `baseDir`).
   */
  faults?: readonly FaultRuleInput[] | string;
  /** Seed of the generator behind `probability()` rules, random delays and garbage. Default 1. */
  seed?: number;
  /** Time source for timers and timestamps; default real time with unref'd `node:timers`. */
  clock?: Clock;
  /**
   * Receives a live printout of every session (`pop3-mock #1 C: USER alice`),
   * secrets masked. Default: stderr when `DEBUG` names `pop3-mock`, else none.
   */
  logger?: (line: string) => void;
  /**
   * TLS for STLS and `tlsPort`. Default: a certificate for localhost,
   * 127.0.0.1 and ::1, generated on first use and signed by a CA exposed as
   * `pop3.tls.ca`. Pass your own key and certificate, or `false` for no TLS
   * (then no STLS, whatever a dialect's CAPA says; `capabilities.stls: true`
   * with it is refused). Settings here are refused when nothing serves TLS:
   * STLS off (by `capabilities`, or a dialect without it), no `tlsPort` and
   * no SMTP intake.
   */
  tls?: TlsOptions | false;
  /**
   * Also listen for implicit TLS (POP3S, RFC 8314) on this port; `0` for an ephemeral one. Default: off.
   * A taken port fails with EADDRINUSE (`portFallback` does not apply to it).
   */
  tlsPort?: number | string;
  /**
   * Refuse USER/PASS and plaintext SASL mechanisms until TLS is active (RFC 2595 §2.3). Default: the
   * dialect's (a dialect file's `behaviour.requireTls`), else false. Refused with STLS off and no
   * `tlsPort`: every login would fail.
   */
  requireTls?: boolean;
  /**
   * Offer APOP: a timestamp in the greeting and the APOP command (RFC 1939 §7).
   * Default false, or true with a dialect that has a timestamp shape (a
   * captured file whose server's greeting had one).
   */
  apop?: boolean;
  /** Host name used in APOP timestamps and CRAM-MD5 challenges. Default `localhost`. */
  hostname?: string;
}
