let next = 1;
const GIVEN_FORM = /^rule-([1-9]\d{0,14})$/;

/** The id of a rule that was given none: one sequence per process, so ids never repeat. */
export function newRuleId(): string {
  return `rule-${next++}`;
}

/**
 * An id a user gave (a faults file written from a built rule's JSON holds
 * `rule-3`): the sequence moves past it, so no rule built after it gets the
 * same id.
 */
export function noteGivenRuleId(id: string): void {
  const n = GIVEN_FORM.exec(id)?.[1];
  if (n !== undefined && Number(n) >= next) next = Number(n) + 1;
}
