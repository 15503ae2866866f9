import { resolve } from 'node:path';
import { ExitCode } from '../exit-codes';
import type { BuiltRule } from '../faults/builder';
import { loadFaultFixtureSync } from '../faults/fixture';
import { CliError } from './errors';

/** Where a rule of several `--faults` files was written: its file, and its place in that file's list. */
export interface FaultOrigin {
  readonly file: string;
  readonly index: number;
}

/**
 * Every `--faults` file's rules, in the order given: one list, as one file
 * holding them all would be, with each rule's origin at the same place in
 * `origins` (so the server's refusal of `faults[3]` names the file). One id
 * in two files is refused naming both (`removeRule(id)` must name one rule).
 */
export function faultFilesRules(
  files: readonly string[],
  cwd: string,
): { rules: BuiltRule[]; origins: FaultOrigin[] } {
  const fileOf = new Map<string, string>();
  const origins: FaultOrigin[] = [];
  const rules = files.flatMap((path) => {
    const file = resolve(cwd, path);
    const rules = loadFaultFixtureSync(file);
    origins.push(...rules.map((_, index) => ({ file, index })));
    for (const { id } of rules) {
      const other = fileOf.get(id);
      if (other !== undefined) {
        throw new CliError(
          `--faults: ${other} and ${file} both have a rule with id ${JSON.stringify(id)}`,
          ExitCode.badInput,
        );
      }
      fileOf.set(id, file);
    }
    return rules;
  });
  return { rules, origins };
}
