import type { SessionState } from '../vocabulary';

/** A delay: fixed milliseconds, uniform between two bounds, or lognormal around a median. */
export type DelaySpec =
  | number
  | { readonly uniform: readonly [min: number, max: number] }
  | { readonly lognormal: { readonly median: number; readonly sigma: number } };

/** Where a rule hooks in. */
export type FaultTrigger =
  /** A new connection, before the greeting (and, for throttling, the whole connection). */
  | { readonly point: 'connect' }
  /** A command line as it arrives, before it runs. */
  | {
      readonly point: 'command';
      /** Upper-case verbs; `'*'` matches any. */
      readonly verbs: readonly string[];
      /** Exact arguments; `'*'` matches any one argument. Absent: any arguments. */
      readonly args?: readonly string[];
      /** Only in this state. */
      readonly state?: SessionState;
    };

/** What happens when a rule fires. Plain data: it crosses JSON and the control channel. */
export type FaultAction =
  /** Answer with these lines instead of running the command (first line `+OK…`/`-ERR…`; more lines make a multi-line reply). Optionally close afterwards (`after`). */
  | { readonly type: 'reply'; readonly lines: readonly string[]; readonly after?: 'close' | 'reset' }
  /** Wait, then go on as usual. */
  | { readonly type: 'delay'; readonly delay: DelaySpec }
  /** Never answer; no timer is involved. `reset()` releases it, `close()` ends it. */
  | { readonly type: 'hang' }
  /** Close at once with FIN, or with RST. */
  | { readonly type: 'close' }
  | { readonly type: 'reset' }
  /** Send the first N octets of the reply, then FIN. */
  | { readonly type: 'close-after-bytes'; readonly bytes: number }
  /** Send the first N octets, let the client read them, then RST. */
  | { readonly type: 'reset-after-bytes'; readonly bytes: number }
  /** Send N octets of junk instead of the reply, then FIN. */
  | { readonly type: 'garbage'; readonly bytes: number }
  /** Send at most this many octets per second (a whole connection for `connection()` rules). */
  | { readonly type: 'throttle'; readonly bytesPerSecond: number }
  /** One octet per write, or every CRLF split between two writes. */
  | { readonly type: 'fragment'; readonly mode: 'bytes' | 'split-crlf' }
  /** Send N octets of the reply, then stop without closing. */
  | { readonly type: 'stall'; readonly afterBytes: number }
  /** A multi-line reply without its terminating `.` line. */
  | { readonly type: 'no-terminator' }
  /** STLS: `+OK`, then no TLS handshake: junk and a close. */
  | { readonly type: 'stls-handshake-failure' }
  /** Extra lines in the same write right after the real reply (STLS response injection). */
  | { readonly type: 'inject-after-reply'; readonly lines: readonly string[] }
  /** LIST/STAT sizes off by this many octets per message; RETR still sends the real bytes. */
  | { readonly type: 'size-skew'; readonly octets: number }
  /** RETR/TOP without dot-stuffing: a lone `.` line ends the reply early. */
  | { readonly type: 'no-dot-stuffing' }
  /** RETR/TOP with bare LF line ends, so the terminator arrives as `\n.\r\n`. */
  | { readonly type: 'bare-lf' }
  /** UIDL bugs: two messages sharing a uid, uids that change per session, a space, or over 70 characters. */
  | { readonly type: 'uidl'; readonly mode: 'duplicate' | 'changing' | 'space' | 'too-long' }
  /** TOP sends the whole message, or only the headers, whatever the line count. */
  | { readonly type: 'top-ignores-count'; readonly sends: 'all' | 'headers' }
  /** LIST/UIDL renumber live messages 1..k after DELE, and `LIST n` ignores deletion marks (wildduck). */
  | { readonly type: 'renumber-after-dele' };

export type FaultActionType = FaultAction['type'];

/** A fault rule: when it fires, how often, and what it does. */
export interface FaultRule {
  readonly id: string;
  readonly trigger: FaultTrigger;
  /** Only for sessions of this user (the logged-in user, or the USER name given). */
  readonly user?: string;
  /** Only on the nth connection to the server (1-based). */
  readonly connection?: number;
  /** Fire only on the nth matching occurrence (1-based). */
  readonly nth?: number;
  /** Where occurrences are counted for `nth`: across the server (default) or per session. */
  readonly per?: 'server' | 'session';
  /** At most this many times; absent: every time. */
  readonly times?: number;
  /** Chance of firing at each eligible occurrence, from the server's seeded generator. */
  readonly probability?: number;
  readonly action: FaultAction;
}
