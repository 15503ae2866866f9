import { randomBytes } from 'node:crypto';

/**
 * A tag of this copy of the module, in every id it gives: jest workers (or
 * any processes) that build rules for one shared server over its control API
 * each count from 1, and without it their first rules all had `rule-1`, the
 * second worker's refused as a stored id.
 */
const TAG = randomBytes(3).toString('hex');
let next = 1;
const GIVEN_FORM = new RegExp(`^rule-${TAG}-([1-9]\\d{0,14})$`);

/** The id of a rule that was given none (`rule-4f1c2a-7`): one sequence per copy of the module, so ids never repeat. */
export function newRuleId(): string {
  return `rule-${TAG}-${next++}`;
}

/** An id {@link newRuleId} gives, of any copy: `stable` transcripts print it without its tag (`rule-7`). */
export const MADE_ID = /^rule-[0-9a-f]{6}-(\d+)$/;

/**
 * An id a user gave (a faults file written from a built rule's JSON holds
 * this copy's `rule-4f1c2a-3`): the sequence moves past it, so no rule built
 * after it gets the same id.
 */
export function noteGivenRuleId(id: string): void {
  const n = GIVEN_FORM.exec(id)?.[1];
  if (n !== undefined && Number(n) >= next) next = Number(n) + 1;
}
