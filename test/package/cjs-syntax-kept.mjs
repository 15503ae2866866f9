#!/usr/bin/env node
// The CommonJS build keeps the source's syntax: `?.`, `??` and class fields
// as written, as the ES module build does. tsup, left to itself, turned its split CommonJS
// chunks into CommonJS with sucrase, which also rewrote every `a?.b` into a
// call of `_optionalChain` with an array and a closure per step, every
// `a ?? b` into a closure, and class fields into `__init` methods: a session
// cost 1.28-1.38x the server CPU in the CommonJS build that jest loads
// (bench/sessions-ab.mjs, bench/README.md, twenty-first session). Exits 1
// when a CommonJS file of the package holds one of those helpers.
//
//   node test/package/cjs-syntax-kept.mjs pop3-mock-0.1.0.tgz
import { filesIn, readIn } from './tarball.mjs';

const tarball = process.argv[2];
if (!tarball) {
  process.stderr.write('usage: cjs-syntax-kept.mjs <tarball>\n');
  process.exit(2);
}

// What sucrase writes for `?.`, `??` and a class field (`_class.prototype.__init.call(this)`).
const REWRITES =
  /\b(_optionalChain|_nullishCoalesce|_optionalChainDelete)\b|(\.prototype\.__init\d*\.call\(this\))/;
const cjs = filesIn(tarball).filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
let failed = cjs.length === 0;
for (const file of cjs) {
  const found = REWRITES.exec(readIn(tarball, file));
  if (found) {
    process.stdout.write(`${file}: ${found[1] ?? found[2]}\n`);
    failed = true;
  }
}
process.stdout.write(`${cjs.length} CommonJS files read\n`);
process.exitCode = failed ? 1 : 0;
