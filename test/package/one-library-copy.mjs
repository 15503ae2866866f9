#!/usr/bin/env node
// The entry points share one copy of the library per module format (tsup
// splitting): a CommonJS entry that bundled its own copy once made the
// package three times its size. Exits 1 when a format holds more than one.
//
//   node test/package/one-library-copy.mjs pop3-mock-0.1.0.tgz
import { filesIn, readIn } from './tarball.mjs';

const tarball = process.argv[2];
if (!tarball) {
  process.stderr.write('usage: one-library-copy.mjs <tarball>\n');
  process.exit(2);
}

// A line only the library's main class declares.
const MARKER = /\bPop3Mock = (?:\(\w+ = )?class\b/;
let failed = false;
for (const ext of ['.js', '.mjs']) {
  const code = filesIn(tarball).filter((f) => f.startsWith('dist/') && f.endsWith(ext));
  const copies = code.filter((f) => MARKER.test(readIn(tarball, f)));
  process.stdout.write(`${ext}: the library is in ${copies.join(', ') || 'no file'}\n`);
  if (copies.length !== 1) failed = true;
}
process.exitCode = failed ? 1 : 0;
