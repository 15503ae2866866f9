import type { z } from 'zod';
import { checkInput, type Door } from '../schema/check';
import { type faultRule, faultRules } from '../schema/fault-rule';
import { type BuiltRule, withExplain } from './builder';
import { newRuleId } from './rule-id';

/**
 * The door for fault rules, whatever brought them (`use()`, the `faults`
 * option or file, a config file, the control API): checks the whole batch
 * against the schema (verbs upper-cased), gives ids where none was set, and
 * returns rules ready to store. Throws an `InputError` before anything is
 * stored: a batch is all or nothing.
 */
export function acceptRules(rules: unknown, door: Door): BuiltRule[] {
  return withIds(checkInput(faultRules, rules, door));
}

/** Checked rules with their ids: the given one, else a new one. */
export function withIds(rules: readonly z.output<typeof faultRule>[]): BuiltRule[] {
  return rules.map((rule) => withExplain({ ...rule, id: rule.id ?? newRuleId() }));
}
