#!/usr/bin/env node
// Every link of the packed README works where users read it (npm's page, or
// node_modules/pop3-mock): a relative link must name a file in the tarball,
// an absolute one this repository or an outside page. Exits 1 with the
// broken links.
//
//   node test/package/readme-links.mjs pop3-mock-0.1.0.tgz
import { posix } from 'node:path';
import { filesIn, readIn } from './tarball.mjs';

const tarball = process.argv[2];
if (!tarball) {
  process.stderr.write('usage: readme-links.mjs <tarball>\n');
  process.exit(2);
}

const files = new Set(filesIn(tarball));
const readme = readIn(tarball, 'README.md');

/** Link targets: inline `[text](target)`, images `![alt](target)`, references `[name]: target`. */
function targets(markdown) {
  // Code blocks and spans hold example code, not links.
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...references];
}

const broken = [];
const links = targets(readme);
for (const target of links) {
  if (target.startsWith('#') || /^(https?|mailto):/i.test(target)) continue;
  const path = posix.normalize(decodeURIComponent(target.replace(/[#?].*$/, '')));
  if (path.startsWith('../') || posix.isAbsolute(path) || !files.has(path)) broken.push(target);
}

if (broken.length > 0) {
  process.stderr.write(
    `README.md links to files not in the tarball (ship them in "files" or link the repository):\n${broken.map((b) => `  ${b}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`${links.length} README links checked, all resolve in the tarball\n`);
