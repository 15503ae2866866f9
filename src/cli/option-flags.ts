import type { z } from 'zod';
import type { ConfigFileOptions, configFile } from '../schema/options';

/** A config key a flag sets. */
export type ConfigKey = keyof ConfigFileOptions & keyof z.input<typeof configFile>;

/**
 * One command-line flag that sets one config key. Its value is checked by
 * that key's schema (`configFile`), so a flag and the config file accept the
 * same values and refuse them with the same message.
 */
export interface OptionFlag {
  /** Without the dashes: `max-sessions`. */
  readonly flag: string;
  readonly short?: string;
  /** The config key it sets; its schema decides the value (and whether the flag takes one). */
  readonly key: ConfigKey;
  /** Where it lands in `startPop3Mock()` options, when not the key itself (`control.port`). */
  readonly optionPath?: string;
  /**
   * The field of an object key the flag sets (`certificate` of `tls`): the
   * value is checked as `{ [within]: value }` by the key's schema.
   */
  readonly within?: string;
  /** The value's name in `--help`; none for a switch (a key whose schema takes only true/false: a test holds the two to each other). */
  readonly value?: string;
  /** `--help` lines, without the flag column. */
  readonly help: readonly string[];
}

/** Every option flag, in `--help` order. */
export const OPTION_FLAGS: readonly OptionFlag[] = [
  { flag: 'host', key: 'host', value: 'HOST', help: ['Address to bind (default 127.0.0.1).'] },
  {
    flag: 'port',
    short: 'p',
    key: 'port',
    value: 'N',
    help: [
      'Exactly this port; a taken port is an error (default 0:',
      'any free port, read it from the JSON line).',
    ],
  },
  {
    flag: 'tls-port',
    key: 'tlsPort',
    value: 'N',
    help: ['Also serve implicit TLS (POP3S) on port N (0: any free port).'],
  },
  {
    flag: 'tls-certificate',
    key: 'tls',
    within: 'certificate',
    optionPath: 'tls.certificate',
    value: 'MODE',
    help: [
      'Certificate for STLS and POP3S: valid (default), expired,',
      'not-yet-valid, wrong-host, self-signed or untrusted-ca (docs/TLS.md).',
    ],
  },
  {
    flag: 'control-port',
    key: 'controlPort',
    optionPath: 'control.port',
    value: 'N',
    help: [
      'Serve the HTTP control API on port N (0: any free port); its',
      'bearer token is in the JSON line, or set it with the',
      'POP3_MOCK_TOKEN environment variable.',
    ],
  },
  {
    flag: 'dialect',
    key: 'dialect',
    value: 'NAME|FILE',
    help: [
      'Server personality: rfc (default), dovecot, gmail,',
      'greenmail or rfc1939-minimal, or a dialect file (a value',
      'with / or ending in .json) as pop3-mock capture writes it',
      '(see docs/DIALECTS.md), relative to the working folder.',
    ],
  },
  { flag: 'apop', key: 'apop', help: ['Offer APOP: the greeting carries a timestamp.'] },
  {
    flag: 'require-tls',
    key: 'requireTls',
    help: ['Refuse USER/PASS and plaintext SASL until TLS is active', '(STLS or POP3S; RFC 2595 §2.3).'],
  },
  {
    flag: 'lock',
    key: 'lock',
    value: 'MODE',
    help: [
      'Maildrop lock: exclusive (a second login gets -ERR [IN-USE])',
      "or none (concurrent sessions). Default: the dialect's, none",
      'for dovecot and greenmail (as those servers), else exclusive.',
    ],
  },
  {
    flag: 'seed',
    key: 'seed',
    value: 'N',
    help: ['Seed of probability() rules, random delays and garbage', '(0 to 4294967295, default 1).'],
  },
  {
    flag: 'faults',
    key: 'faults',
    value: 'FILE',
    help: [
      'Fault rules from a JSON file (docs/FAULTS.md), relative to',
      "the working folder. Repeatable: every file's rules, in the",
      'order given (as one file listing them all); they replace the',
      "config file's faults.",
    ],
  },
  {
    flag: 'max-sessions',
    key: 'maxSessions',
    value: 'N',
    help: ['Most sessions at once; more connections get -ERR [SYS/TEMP]', '(default: no limit).'],
  },
  {
    flag: 'keep-sessions',
    key: 'keepSessions',
    value: 'N|all',
    help: [
      'Keep the transcripts of the newest N ended sessions (default',
      '1000; all: no limit). Older ones are dropped, and the session',
      'list, exports, transcripts and verify say how many.',
    ],
  },
  {
    flag: 'autologout-ms',
    key: 'autologoutMs',
    value: 'MS',
    help: ['Close a session idle this long (default 600000, RFC 1939 §3).'],
  },
  {
    flag: 'smtp-port',
    key: 'smtpPort',
    optionPath: 'smtp.port',
    value: 'N',
    help: [
      'Also accept SMTP (with STARTTLS) on port N and deliver by',
      'recipient (0: any free port; docs/SMTP.md).',
    ],
  },
  {
    flag: 'smtp-tls-port',
    key: 'smtpTlsPort',
    optionPath: 'smtp.tlsPort',
    value: 'N',
    help: ['Also accept SMTPS (TLS on connect) on port N.'],
  },
  {
    flag: 'smtp-auth',
    key: 'smtpAuth',
    optionPath: 'smtp.auth',
    value: 'MODE',
    help: ['SMTP AUTH against the POP3 passwords: off, optional', '(default) or required.'],
  },
  {
    flag: 'hostname',
    key: 'hostname',
    value: 'NAME',
    help: ['Host name in APOP timestamps and CRAM-MD5 challenges', '(default localhost).'],
  },
];

/**
 * Config keys with no flag, and why: a test holds every key of `configFile`
 * to be a flag or listed here.
 */
export const CONFIG_ONLY: Readonly<Partial<Record<keyof z.input<typeof configFile>, string>>> = {
  users:
    '--user NAME:PASSWORD[:PATH] gives users; several messages, an OAuth token or a password with ":" need the file',
  capabilities: 'a nested object of a dozen switches; one flag each would drown --help',
  portFallback: 'on the command line a port is exact (--port N) or any free one (--port 0)',
  smtpTraceHeaders: 'rarely changed: storing the message as sent (line ends CRLF) is for a test of its own',
  smtpCreateUsers: 'rarely changed; a config file says it once for a whole suite',
  smtpMaxSize: 'rarely changed; a config file says it once for a whole suite',
  demo: 'says what the file is (demo data whose passwords may be printed), not how to serve',
};
