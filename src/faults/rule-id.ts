let next = 1;

/** The id of a rule that was given none: one sequence per process, so ids never repeat. */
export function newRuleId(): string {
  return `rule-${next++}`;
}
