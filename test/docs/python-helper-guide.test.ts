import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Keeps the helper half of docs/PYTHON.md true: every ```python block there
 * must appear, character for character, in a file of the helper's pytest
 * suite (clients/python/tests), which python-client.test.ts runs.
 */

const root = join(__dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'PYTHON.md'), 'utf8');
const testsDir = join(root, 'clients', 'python', 'tests');

function helperPart(): string {
  const start = doc.indexOf('\n## The helper: pop3-mock-client\n');
  const end = doc.indexOf('\n## Without installing anything', start);
  if (start < 0 || end < 0) throw new Error('docs/PYTHON.md lost its helper part or the part after it');
  return doc.slice(start, end);
}

const blocks = [...helperPart().matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!);
const suite = readdirSync(testsDir)
  .filter((name) => name.endsWith('.py'))
  .map((name) => readFileSync(join(testsDir, name), 'utf8'))
  .join('\n');

test('the helper part of docs/PYTHON.md shows Python examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
});

test.each(blocks.map((block) => [block.split('\n').find((line) => line.startsWith('def ')) ?? block, block]))(
  'the example %s is in the pytest suite as printed',
  (_name, block) => {
    expect(suite).toContain(block);
  },
);
