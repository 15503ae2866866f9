/** The source `startPop3Mock()`'s refusals of its options name (the CLI names its flags instead). */
export const OPTIONS_SOURCE = 'pop3-mock options';

/** One thing wrong with a user's input: where, and what was expected there. */
export interface InputIssue {
  /** Where in the input, e.g. `faults[0].action.bytes` (empty for the input itself). */
  readonly path: string;
  /** What was wrong, e.g. `expected an integer >= 0, got -3`. */
  readonly message: string;
}

/**
 * Input refused at a door of pop3-mock (options, fault rules, a config or
 * faults file, a control API body). Nothing of the input was applied. The
 * message names the path and what was expected; `issues` lists every
 * problem found.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** The path of the first problem (`issues[0].path`). */
  readonly path: string;

  constructor(
    /** Every problem found, the first one first. */
    readonly issues: readonly InputIssue[],
    /** What was being checked, for the message: `pop3-mock options`, `config pop3.json`, ... */
    readonly source: string,
  ) {
    super(`${source}: ${issues.map(describeIssue).join('; ')}`);
    this.path = issues[0]?.path ?? '';
  }
}

/** `path: message`, or the message alone for a problem with the whole input. */
export function describeIssue(issue: InputIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
