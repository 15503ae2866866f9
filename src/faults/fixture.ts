import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FixtureError } from '../fixtures/types';
import { fileReason, parseJsonText } from '../json-file';
import { acceptRules, type ServingServer } from './accept-rules';
import type { BuiltRule } from './builder';

/**
 * Reads fault rules from a JSON fixture: an array of rules as `JSON.stringify`
 * writes the builder's output (`id` may be left out), checked like every
 * other door (an `InputError` names the file and the path). Given the
 * `server` it is read for, a rule that could never fire there is refused too.
 */
export async function loadFaultFixture(
  path: string,
  baseDir = process.cwd(),
  server?: ServingServer,
): Promise<BuiltRule[]> {
  const file = resolve(baseDir, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
  return rulesIn(file, text, server);
}

/** {@link loadFaultFixture}, read at once: the CLI reads its `--faults` files while it plans the start. */
export function loadFaultFixtureSync(path: string, baseDir = process.cwd()): BuiltRule[] {
  const file = resolve(baseDir, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
  return rulesIn(file, text);
}

function rulesIn(file: string, text: string, server?: ServingServer): BuiltRule[] {
  const source = `fault rules ${file}`;
  const data = parseJsonText(
    text,
    source,
    (message) => new FixtureError(`${source} are not valid JSON: ${message}`),
  );
  return acceptRules(data, { source }, server);
}

function unreadable(file: string, error: unknown): FixtureError {
  return new FixtureError(`cannot read fault rules from ${file}: ${fileReason(error)}`, { cause: error });
}
