import { checkInput } from '../schema/check';
import { faultRule } from '../schema/fault-rule';
import { isSecretVerb, MASK, redactArgs } from '../transcript/redact';
import type { DelaySpec, FaultAction, FaultRule } from './rule';

const ordinal = (n: number): string => {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${n % 10 > 3 ? 'th' : suffix}`;
};

/**
 * A rule in one readable sentence, e.g. `on the 2nd RETR (per server): reply
 * "-ERR busy"`. The rule is checked first, as `use()` checks it: what is not
 * a rule is an `InputError` naming where, not a sentence about nothing.
 */
export function explainRule(rule: FaultRule): string {
  return sentenceOf(checkInput(faultRule, rule, { source: 'explainRule()', at: 'rule' }));
}

/** {@link explainRule} of a rule already checked (a stored rule's `explain()`). */
export function sentenceOf(rule: Omit<FaultRule, 'id'>): string {
  const parts: string[] = [];
  const t = rule.trigger;
  // A secret the rule names (PASS's password, APOP's digest, AUTH's initial response) is masked:
  // the sentence is printed, in transcripts (a fault's line), the event stream and errors.
  const given = t.point === 'connect' ? undefined : t.args;
  const secretVerb = t.point === 'connect' ? undefined : t.verbs.find(isSecretVerb);
  const shown = given && secretVerb !== undefined ? maskedArgs(secretVerb, given) : given;
  // "args": [] (JSON only) is the bare command: said, so it does not read as every one.
  const args = !shown ? '' : shown.length === 0 ? ' with no arguments' : ` ${shown.join(' ')}`;
  const what =
    t.point === 'connect' ? 'connection' : `${t.verbs.join('/')}${args}${t.state ? ` in ${t.state}` : ''}`;
  parts.push(rule.nth !== undefined ? `on the ${ordinal(rule.nth)} ${what}` : `on every ${what}`);
  if (rule.nth !== undefined) parts.push(rule.per === 'session' ? '(per session)' : '(per server)');
  if (rule.user !== undefined) parts.push(`of user ${rule.user}`);
  if (rule.connection !== undefined) parts.push(`on the ${ordinal(rule.connection)} connection`);
  if (rule.probability !== undefined) parts.push(`with probability ${rule.probability}`);
  if (rule.times !== undefined) parts.push(rule.times === 1 ? 'once' : `at most ${rule.times} times`);
  return `${parts.join(' ')}: ${explainAction(rule.action)}`;
}

/** A secret verb's arguments as printed: the secret masked, unless the rule takes any (`*`) there. */
function maskedArgs(verb: string, args: readonly string[]): readonly string[] {
  const masked = redactArgs(verb, args);
  // The mask stands for the arguments from its place on.
  const secret = args.slice(masked.length - 1);
  return masked.at(-1) === MASK && secret.every((a) => a === '*') ? args : masked;
}

export function explainAction(action: FaultAction): string {
  switch (action.type) {
    case 'reply':
      return `reply ${JSON.stringify(action.lines.join('\r\n'))}${action.after ? ` then ${action.after === 'close' ? 'close (FIN)' : 'reset (RST)'}` : ''}`;
    case 'delay':
      return `delay ${explainDelay(action.delay)}`;
    case 'hang':
      return 'hang (never answer)';
    case 'close':
      return 'close the connection (FIN)';
    case 'reset':
      return 'reset the connection (RST)';
    case 'close-after-bytes':
      return `close (FIN) after ${action.bytes} bytes of the reply`;
    case 'reset-after-bytes':
      return `reset (RST) after ${action.bytes} bytes of the reply`;
    case 'garbage':
      return `send ${action.bytes} bytes of garbage, then close`;
    case 'throttle':
      return `throttle to ${action.bytesPerSecond} bytes/s`;
    case 'fragment':
      return action.mode === 'bytes' ? 'send one byte per write' : 'split every CRLF across two writes';
    case 'stall':
      return `stall after ${action.afterBytes} bytes of the reply`;
    case 'no-terminator':
      return 'leave out the terminating "." line';
    case 'stls-handshake-failure':
      return 'answer +OK, then fail the TLS handshake';
    case 'inject-after-reply':
      return `inject ${JSON.stringify(action.lines.join('\r\n'))} after the reply`;
    case 'size-skew':
      return `report sizes off by ${action.octets} octets`;
    case 'no-dot-stuffing':
      return 'send without dot-stuffing';
    case 'bare-lf':
      return 'send bare LF line ends';
    case 'uidl':
      return `UIDL bug: ${action.mode}`;
    case 'top-ignores-count':
      return `TOP ignores its line count (sends ${action.sends === 'all' ? 'the whole message' : 'headers only'})`;
    case 'renumber-after-dele':
      return 'renumber messages after DELE';
  }
}

function explainDelay(delay: DelaySpec): string {
  if (typeof delay === 'number') return `${delay} ms`;
  if ('uniform' in delay) return `${delay.uniform[0]}-${delay.uniform[1]} ms (uniform)`;
  return `~${delay.lognormal.median} ms (lognormal, sigma ${delay.lognormal.sigma})`;
}
