import type { z } from 'zod';
import { newRuleId, noteGivenRuleId } from '../rule-id';
import { checkInput, type Door, pathText } from '../schema/check';
import { type faultRule, faultRules } from '../schema/fault-rule';
import { InputError } from '../schema/input-error';
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
    refuseStoredIds(accepted, (id) => server.has(id), door);
    refuseUnfireable(accepted, server, door);
  }
  return accepted;
}

/** What rules handed to a running server (`use()`) are checked against, besides their shape. */
export interface ServingServer {
  /** Whether a stored rule has this id. */
  has(id: string): boolean;
  /** Whether STLS starts TLS there (TLS on, STLS offered). */
  readonly offersStls: boolean;
}

/**
 * A failed STLS handshake exists only where STLS starts one. Given to a
 * server where it does not (`tls: false`, or STLS left out), the rule could
 * never fire: the test would believe it set a fault it never could. A rules
 * file is data that may serve several servers, so only a running server's
 * door refuses it (docs/FAULTS.md).
 */
function refuseUnfireable(rules: readonly BuiltRule[], server: ServingServer, door: Door): void {
  if (server.offersStls) return;
  refuseEach(rules, door, ['action', 'type'], (rule) =>
    rule.action.type === 'stls-handshake-failure'
      ? 'expected a server whose STLS starts TLS: this one has tls: false or leaves STLS out, so a failed handshake could never happen'
      : undefined,
  );
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
