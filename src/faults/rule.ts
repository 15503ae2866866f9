import type { z } from 'zod';
import type { delaySpec, faultAction, faultRule, faultTrigger } from '../schema/fault-rule';

/*
 * The rule types come from the schema in src/schema/fault-rule.ts, the
 * definition every door checks against; its descriptions document each form.
 */

/** A delay: fixed milliseconds, `{ uniform: [min, max] }` or `{ lognormal: { median, sigma } }`. */
export type DelaySpec = z.output<typeof delaySpec>;

/** Where a rule hooks in: `{ point: 'connect' }`, or `{ point: 'command', verbs, args?, state? }`. */
export type FaultTrigger = z.output<typeof faultTrigger>;

/** What happens when a rule fires. Plain data: it crosses JSON and the control channel. */
export type FaultAction = z.output<typeof faultAction>;

export type FaultActionType = FaultAction['type'];

/** A fault rule as stored: checked, verbs upper-case, with its id. */
export type FaultRule = Omit<z.output<typeof faultRule>, 'id'> & { readonly id: string };

/** A fault rule as a user may write it: verbs in any case, `id` optional (given at the door). */
export type FaultRuleInput = z.input<typeof faultRule>;
