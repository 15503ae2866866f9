import type { FaultRule } from './rule';

/**
 * Which of a server's rules can match at a point: for each verb a rule
 * names, the rules on it or on `*`, in the rules' order; the `*` rules alone
 * for any other verb; and the rules on connect. Matching a command then looks
 * at the rules that name its verb, not at every rule: ten idle rules cost a
 * session a sixth of its instructions when each command was checked against
 * all of them (bench/recorder-instructions.mjs --faults).
 */
export class RuleIndex<E extends { readonly rule: FaultRule }> {
  private readonly byVerb = new Map<string, readonly E[]>();
  private readonly anyVerb: readonly E[];
  /** The rules on connect, in order. */
  readonly onConnect: readonly E[];

  /** `entries`: the rules in the order they are checked. */
  constructor(entries: readonly E[]) {
    const onCommand = entries.filter((e) => e.rule.trigger.point === 'command');
    const verbsOf = (e: E) => (e.rule.trigger.point === 'command' ? e.rule.trigger.verbs : []);
    this.anyVerb = onCommand.filter((e) => verbsOf(e).includes('*'));
    this.onConnect = entries.filter((e) => e.rule.trigger.point === 'connect');
    for (const verb of new Set(onCommand.flatMap(verbsOf))) {
      if (verb !== '*')
        this.byVerb.set(
          verb,
          onCommand.filter((e) => verbsOf(e).some((v) => v === verb || v === '*')),
        );
    }
  }

  /** The rules that can match a command with this verb (upper-case), in order. */
  onCommand(verb: string): readonly E[] {
    return this.byVerb.get(verb) ?? this.anyVerb;
  }
}
