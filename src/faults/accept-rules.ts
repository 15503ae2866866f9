import type { z } from 'zod';
import { newRuleId, noteGivenRuleId } from '../rule-id';
import { checkInput, type Door, pathText } from '../schema/check';
import { bentVerbsOf, type faultRule, faultRules, TRANSACTION_ONLY } from '../schema/fault-rule';
import { InputError, type InputIssue } from '../schema/input-error';
import { type BuiltRule, withExplain } from './builder';

/**
 * The door for fault rules, whatever brought them (`use()`, the `faults`
 * option or file, a config file, the control API): checks the whole batch
 * against the schema (verbs upper-cased), gives ids where none was set, and
 * returns rules ready to store. Throws an `InputError` before anything is
 * stored: a batch is all or nothing.
 */
export function acceptRules(rules: unknown, door: Door, server?: ServingServer): BuiltRule[] {
  const accepted = withIds(checkInput(faultRules, rules, door));
  if (server) {
    if (server.has) refuseStoredIds(accepted, server.has, door);
    const unfireable = unfireableIssues(accepted, server, door.at === undefined ? [] : [door.at]);
    if (unfireable.length > 0) throw new InputError(unfireable, door.source);
  }
  return accepted;
}

/** What a server serves that decides whether a rule can fire there. */
export interface Served {
  /** The verbs the server answers as unknown (STLS: refuses), each with why (`capabilities.top: false`, ...). */
  readonly verbsOff: ReadonlyMap<string, string>;
  /**
   * Whether, before login, a line after USER still carries USER's name (AUTH's
   * excepted), as the dialect's `userKeptUntilPass` says; otherwise only a
   * USER, APOP or PASS line names a user there.
   */
  readonly userKeptUntilPass: boolean;
  /** The dialect's name, to say why. */
  readonly dialectName: string;
  /** Why USER and PASS are answered as unknown (`capabilities.user: false`, the dialect); undefined when they are not. */
  readonly userOffBecause?: string;
}

/** What rules handed to a server (`use()`, its `faults` file) are checked against, besides their shape. */
export interface ServingServer extends Served {
  /** Whether a stored rule has this id (none at the start, before the `faults` option's file is read). */
  has?(id: string): boolean;
}

/**
 * A server-bug mode fires only on a reply whose octets it changes, and
 * `failHandshake()` only where STLS starts TLS. A rule that bends only the
 * replies of verbs this server leaves out (TOP with `capabilities.top:
 * false`, STLS with `tls: false`) could never fire: the test would believe
 * it set a fault it never could. Nor could a rule for one user on lines
 * that name no user before login, where it acts. Every door that knows the
 * server asks this: `use()`, the control API, and the start for the
 * `faults` option and its file.
 */
export function unfireableIssues(
  rules: readonly Pick<z.output<typeof faultRule>, 'trigger' | 'action' | 'user'>[],
  served: Served,
  at: readonly PropertyKey[],
): InputIssue[] {
  return rules.flatMap((rule, i) => {
    const off = unfireable(rule, served.verbsOff);
    if (off !== undefined) return [{ path: pathText([...at, i, 'action', 'type']), message: off }];
    const nameless = namelessBeforeLogin(rule, served);
    return nameless === undefined ? [] : [{ path: pathText([...at, i, 'user']), message: nameless }];
  });
}

/** The lines that name a user before login in every dialect: USER and APOP their own, PASS USER's. */
const NAMING_VERBS: ReadonlySet<string> = new Set(['USER', 'APOP', 'PASS']);

/**
 * A rule for one user that acts only before login (`state: "AUTHORIZATION"`,
 * or a failed STLS handshake) matches only a line that names that user: USER,
 * APOP, PASS (right after USER), and in a dialect that keeps USER's name until
 * PASS any line but AUTH, which names its user only in the lines after it.
 * With USER off, only the USER and APOP lines name one (their own). On other
 * verbs it could never fire.
 */
function namelessBeforeLogin(
  { trigger, action, user }: Pick<z.output<typeof faultRule>, 'trigger' | 'action' | 'user'>,
  served: Served,
): string | undefined {
  if (user === undefined || trigger.point !== 'command') return undefined;
  if (trigger.state !== 'AUTHORIZATION' && action.type !== 'stls-handshake-failure') return undefined;
  // A bug mode matches only the verbs it bends, answered before login (the others refused above).
  const bent = bentVerbsOf(action.type, trigger.verbs)?.filter((verb) => !TRANSACTION_ONLY.has(verb));
  const verbs = bent ?? trigger.verbs;
  const userOff = served.userOffBecause;
  const named = (verb: string) =>
    userOff === undefined
      ? verb === '*' || NAMING_VERBS.has(verb) || (served.userKeptUntilPass && verb !== 'AUTH')
      : verb === '*' || verb === 'USER' || verb === 'APOP';
  if (verbs.length === 0 || verbs.some(named)) return undefined;
  const why =
    userOff !== undefined
      ? `USER is answered as unknown (${userOff}), so no line after it carries its name`
      : served.userKeptUntilPass
        ? 'AUTH names its user only in the lines after it'
        : `only a USER, APOP or PASS line names one (the ${JSON.stringify(served.dialectName)} dialect forgets USER's name at any other command)`;
  return `expected a rule for user ${user} to act on a line that names a user before login: this one acts only on ${verbs.join(', ')} there, and ${why}, so it could never fire`;
}

function unfireable(
  { trigger, action }: Pick<z.output<typeof faultRule>, 'trigger' | 'action'>,
  verbsOff: ReadonlyMap<string, string>,
): string | undefined {
  if (trigger.point !== 'command' || verbsOff.size === 0) return undefined;
  const named = bentVerbsOf(action.type, trigger.verbs);
  if (named === undefined) return undefined;
  // In AUTHORIZATION the TRANSACTION verbs get -ERR too (the schema refuses a rule left with none).
  const before = trigger.state === 'AUTHORIZATION';
  const aimed = before ? named.filter((verb) => !TRANSACTION_ONLY.has(verb)) : named;
  if (aimed.length === 0 || aimed.some((verb) => !verbsOff.has(verb))) return undefined;
  if (action.type === 'stls-handshake-failure')
    return `expected a server whose STLS starts TLS: STLS is off here (${verbsOff.get('STLS')}), so a failed handshake could never happen`;
  const off = aimed.map((verb) => `${verb} (${verbsOff.get(verb)})`).join(' and ');
  const state =
    before && aimed.length < named.length
      ? ` in AUTHORIZATION (${named.filter((verb) => !aimed.includes(verb)).join(', ')} only in TRANSACTION)`
      : '';
  return `expected a verb this server answers: "${action.type}" bends only ${aimed.join(', ')} here${state}, and this server leaves out ${off}, so the rule could never fire`;
}

/**
 * Refuses the batch when `why` says what is wrong with any rule of it: an
 * `InputError` with an issue at each such rule (at `field` within it), all
 * or none, as every refusal of a rule batch.
 */
export function refuseEach<R>(
  rules: readonly R[],
  door: Door,
  field: readonly string[],
  why: (rule: R) => string | undefined,
): void {
  const issues = rules.flatMap((rule, i) => {
    const message = why(rule);
    const at = door.at === undefined ? [i, ...field] : [door.at, i, ...field];
    return message === undefined ? [] : [{ path: pathText(at), message }];
  });
  if (issues.length > 0) throw new InputError(issues, door.source);
}

/** Checked rules with their ids: the given one, else a new one. */
export function withIds(rules: readonly z.output<typeof faultRule>[]): BuiltRule[] {
  for (const rule of rules) if (rule.id !== undefined) noteGivenRuleId(rule.id);
  return rules.map((rule) => withExplain({ ...rule, id: rule.id ?? newRuleId() }));
}

/**
 * `removeRule(id)` must name one rule: a rule whose id a stored rule has
 * (the same built rule used twice, or a file's `rule-1` beside a built one)
 * is refused with the batch, before anything is stored.
 */
function refuseStoredIds(rules: readonly BuiltRule[], stored: (id: string) => boolean, door: Door): void {
  refuseEach(rules, door, ['id'], (rule) =>
    stored(rule.id)
      ? `expected an id no stored rule has; a stored rule has ${JSON.stringify(rule.id)} (removeRule() it first, or leave id out for a new one)`
      : undefined,
  );
}
