import { newRuleId } from '../rule-id';
import { show } from '../schema/check';
import { InputError, type InputIssue } from '../schema/input-error';
import type { SessionState } from '../vocabulary';
import { sentenceOf } from './explain';
import type { DelaySpec, FaultAction, FaultRule, FaultTrigger } from './rule';

type Conditions = Omit<FaultRule, 'id' | 'trigger' | 'action'>;

/** A finished rule: plain data, plus a non-enumerable `explain()`. */
export type BuiltRule = FaultRule & { explain(): string };

/**
 * The fluent builder behind {@link on} and {@link connection}. Condition
 * methods return a new builder; action methods return the finished rule.
 */
export class FaultBuilder {
  constructor(
    private readonly trigger: FaultTrigger,
    private readonly conditions: Conditions = {},
  ) {}

  private with(more: Conditions): FaultBuilder {
    return new FaultBuilder(this.trigger, { ...this.conditions, ...more });
  }

  /** Only the nth matching occurrence (1-based), counted across the server unless `perSession()`. */
  nth(n: number): FaultBuilder {
    return this.with({ nth: n });
  }
  /** Count `nth` occurrences per session instead of per server. */
  perSession(): FaultBuilder {
    return this.with({ per: 'session' });
  }
  once(): FaultBuilder {
    return this.with({ times: 1 });
  }
  times(n: number): FaultBuilder {
    return this.with({ times: n });
  }
  /** Every time (the default). */
  always(): FaultBuilder {
    return this.with({ times: undefined });
  }
  /** Fire with probability `p`, rolled from the server's seeded generator (`seed` option). */
  probability(p: number): FaultBuilder {
    return this.with({ probability: p });
  }
  forUser(user: string): FaultBuilder {
    return this.with({ user });
  }
  /** Only on the nth connection to the server (1-based), counted from its start or the last `reset()`. */
  onConnection(n: number): FaultBuilder {
    return this.with({ connection: n });
  }
  /** Only in this session state (not UPDATE: no command is read there; `use()` refuses it). */
  inState(state: Exclude<SessionState, 'UPDATE'>): FaultBuilder {
    if (this.trigger.point !== 'command') {
      const message = `expected a rule on a command: a rule on the connection (connection(), on('greeting')) acts before any command, in no state`;
      throw new InputError([{ path: 'state', message }], 'inState()');
    }
    return new FaultBuilder({ ...this.trigger, state }, this.conditions);
  }

  // Actions

  /** Answer with these lines instead of running the command (`'-ERR [SYS/TEMP] try later'`; several lines: a multi-line reply). */
  reply(...lines: string[]): BuiltRule {
    return this.action({ type: 'reply', lines });
  }
  /** Answer, then close (FIN). For a `-ERR` greeting or a QUIT that fails. */
  replyAndClose(...lines: string[]): BuiltRule {
    return this.action({ type: 'reply', lines, after: 'close' });
  }
  /** `-ERR [IN-USE]` on a login command. */
  inUse(text = 'maildrop already locked'): BuiltRule {
    return this.reply(`-ERR [IN-USE] ${text}`);
  }
  /** `-ERR [LOGIN-DELAY]` on a login command. */
  loginDelay(text = 'minimum time between logins not reached'): BuiltRule {
    return this.reply(`-ERR [LOGIN-DELAY] ${text}`);
  }
  /** Wait before answering: milliseconds, `{ uniform: [min, max] }` or `{ lognormal: { median, sigma } }`. */
  delay(delay: DelaySpec): BuiltRule {
    return this.action({ type: 'delay', delay });
  }
  hang(): BuiltRule {
    return this.action({ type: 'hang' });
  }
  /** Close with FIN instead of answering. */
  close(): BuiltRule {
    return this.action({ type: 'close' });
  }
  /** Close with RST instead of answering. */
  reset(): BuiltRule {
    return this.action({ type: 'reset' });
  }
  closeAfterBytes(bytes: number): BuiltRule {
    return this.action({ type: 'close-after-bytes', bytes });
  }
  resetAfterBytes(bytes: number): BuiltRule {
    return this.action({ type: 'reset-after-bytes', bytes });
  }
  garbage(bytes = 64): BuiltRule {
    return this.action({ type: 'garbage', bytes });
  }
  throttle(options: { bytesPerSecond: number }): BuiltRule {
    return this.action({ type: 'throttle', bytesPerSecond: options.bytesPerSecond });
  }
  fragment(mode: 'bytes' | 'split-crlf' = 'bytes'): BuiltRule {
    return this.action({ type: 'fragment', mode });
  }
  stall(options: { afterBytes: number }): BuiltRule {
    return this.action({ type: 'stall', afterBytes: options.afterBytes });
  }
  noTerminator(): BuiltRule {
    return this.action({ type: 'no-terminator' });
  }
  /** STLS: `+OK`, then junk instead of a handshake, then FIN; only where STLS would start TLS (docs/FAULTS.md). */
  failHandshake(): BuiltRule {
    return this.action({ type: 'stls-handshake-failure' });
  }
  injectAfterReply(...lines: string[]): BuiltRule {
    return this.action({ type: 'inject-after-reply', lines });
  }
  sizeSkew(octets: number): BuiltRule {
    return this.action({ type: 'size-skew', octets });
  }
  noDotStuffing(): BuiltRule {
    return this.action({ type: 'no-dot-stuffing' });
  }
  bareLf(): BuiltRule {
    return this.action({ type: 'bare-lf' });
  }
  uidlBug(mode: 'duplicate' | 'changing' | 'space' | 'too-long'): BuiltRule {
    return this.action({ type: 'uidl', mode });
  }
  topIgnoresCount(sends: 'all' | 'headers' = 'all'): BuiltRule {
    return this.action({ type: 'top-ignores-count', sends });
  }
  renumberAfterDele(): BuiltRule {
    return this.action({ type: 'renumber-after-dele' });
  }

  private action(action: FaultAction): BuiltRule {
    const rule: FaultRule = { id: newRuleId(), trigger: this.trigger, ...this.conditions, action };
    return withExplain(rule);
  }
}

/** Gives a plain rule (e.g. parsed from JSON) its `explain()`. */
export function withExplain(rule: FaultRule): BuiltRule {
  const built = { ...rule } as BuiltRule;
  Object.defineProperty(built, 'explain', { value: () => sentenceOf(rule), enumerable: false });
  return built;
}

/**
 * A rule on a command: `on('RETR')`, `on('RETR', '3')` (exact arguments,
 * `'*'` for any one), `on(['LIST', 'UIDL'])`, `on('*')` for any command, or
 * `on('greeting')` for the connection before the greeting.
 */
export function on(verb: string | readonly string[], ...args: string[]): FaultBuilder {
  checkOnArguments(verb, args);
  if (isConnectPoint(verb)) return new FaultBuilder({ point: 'connect' });
  const verbs = (typeof verb === 'string' ? [verb] : [...verb]).map((v) => v.toUpperCase());
  return new FaultBuilder({ point: 'command', verbs, ...(args.length > 0 ? { args } : {}) });
}

/** `on('greeting')` and `on('connect')`, in any case as verbs are: the connection, not a command. */
function isConnectPoint(verb: unknown): verb is string {
  return typeof verb === 'string' && ['greeting', 'connect'].includes(verb.toLowerCase());
}

/** A rule on the connection: applies from connect on (e.g. `connection().throttle({ bytesPerSecond: 512 })`). */
export function connection(): FaultBuilder {
  return new FaultBuilder({ point: 'connect' });
}

/**
 * What `on()` needs to build at all: a verb or a list of them, and string
 * arguments. The rest (a verb's letters, an argument's form) is checked by
 * `use()` with the whole rule.
 */
function checkOnArguments(verb: unknown, args: readonly unknown[]): void {
  const issues: InputIssue[] = [];
  const verbs = typeof verb === 'string' ? [verb] : Array.isArray(verb) ? verb : undefined;
  if (verbs === undefined || verbs.length === 0 || verbs.some((v) => typeof v !== 'string' || v === '')) {
    issues.push({
      path: 'verb',
      message: `expected a verb such as "RETR", a list of verbs, "*" or "greeting", got ${show(verb)}`,
    });
  }
  args.forEach((arg, i) => {
    if (typeof arg !== 'string')
      issues.push({ path: `args[${i}]`, message: `expected a string, got ${show(arg)}` });
  });
  if (isConnectPoint(verb) && args.length > 0) {
    issues.push({
      path: 'args',
      message: `expected no arguments: "${verb}" is the connection, before any command, got ${show(args)}`,
    });
  }
  if (issues.length > 0) throw new InputError(issues, 'on()');
}
