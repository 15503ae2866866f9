import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FixtureError } from '../fixtures/types';
import type { FaultRule } from './rule';

let nextId = 1;

/**
 * Reads fault rules from a JSON fixture: an array of rules as `JSON.stringify`
 * writes the builder's output (`id` may be left out).
 */
export async function loadFaultFixture(path: string, baseDir = process.cwd()): Promise<FaultRule[]> {
  const file = resolve(baseDir, path);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FixtureError(`cannot read fault rules from ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Array.isArray(data)) throw new FixtureError(`${file} must hold a JSON array of fault rules`);
  return data.map((rule, i) => {
    const r = rule as Partial<FaultRule> | null;
    if (
      typeof r !== 'object' ||
      r === null ||
      typeof r.trigger !== 'object' ||
      typeof r.action !== 'object'
    ) {
      throw new FixtureError(`${file}: rule ${i + 1} needs a trigger and an action`);
    }
    return { ...r, id: r.id ?? `fixture-${nextId++}` } as FaultRule;
  });
}
