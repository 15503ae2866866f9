import { resolve } from 'node:path';
import { ExitCode } from '../exit-codes';
import type { BuiltRule } from '../faults/builder';
import { loadFaultFixtureSync } from '../faults/fixture';
import { CliError } from './errors';

/**
 * Every `--faults` file's rules, in the order given: one list, as one file
 * holding them all would be. One id in two files is refused naming both
 * (`removeRule(id)` must name one rule).
 */
export function faultFilesRules(files: readonly string[], cwd: string): BuiltRule[] {
  const fileOf = new Map<string, string>();
  return files.flatMap((path) => {
    const file = resolve(cwd, path);
    const rules = loadFaultFixtureSync(file);
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
}
