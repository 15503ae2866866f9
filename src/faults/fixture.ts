import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FixtureError } from '../fixtures/types';
import { acceptRules } from './accept-rules';
import type { BuiltRule } from './builder';

/**
 * Reads fault rules from a JSON fixture: an array of rules as `JSON.stringify`
 * writes the builder's output (`id` may be left out), checked like every
 * other door (an `InputError` names the file and the path).
 */
export async function loadFaultFixture(path: string, baseDir = process.cwd()): Promise<BuiltRule[]> {
  const file = resolve(baseDir, path);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FixtureError(`cannot read fault rules from ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return acceptRules(data, { source: `fault rules ${file}` });
}
