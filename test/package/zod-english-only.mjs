#!/usr/bin/env node
// zod is bundled with its English locale only: the source imports zod as a
// namespace (`import * as z from 'zod'`), which esbuild tree-shakes, where
// `import { z } from 'zod'` kept all of zod's exports, its sixty-odd locales
// half of the zod shipped and parsed by every process that loads the
// package. Exits 1 when a format holds another locale, or none.
//
//   node test/package/zod-english-only.mjs pop3-mock-0.1.0.tgz
import { filesIn, readIn } from './tarball.mjs';

const tarball = process.argv[2];
if (!tarball) {
  process.stderr.write('usage: zod-english-only.mjs <tarball>\n');
  process.exit(2);
}

// esbuild names each bundled module in a comment: `// node_modules/zod/v4/locales/en.js`
// (`index.js` is the list of them, left empty by the tree-shaking).
const LOCALE = /\/\/ \S*node_modules\/zod\/v4\/locales\/([\w-]+)\.js/g;
let failed = false;
for (const ext of ['.js', '.mjs']) {
  const locales = new Set();
  for (const file of filesIn(tarball).filter((f) => f.startsWith('dist/') && f.endsWith(ext))) {
    for (const [, name] of readIn(tarball, file).matchAll(LOCALE)) if (name !== 'index') locales.add(name);
  }
  const found = [...locales].sort();
  process.stdout.write(`${ext}: zod locales bundled: ${found.join(', ') || 'none'}\n`);
  if (found.length !== 1 || found[0] !== 'en') failed = true;
}
process.exitCode = failed ? 1 : 0;
