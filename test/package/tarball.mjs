// Reads a packed tarball (npm pack) without unpacking it: `tar` lists it and
// prints one entry. Paths are given without the tarball's `package/` prefix.
import { execFileSync } from 'node:child_process';

const PREFIX = 'package/';

/** Every file in the tarball, as a path relative to the package root. */
export function filesIn(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((line) => line.startsWith(PREFIX) && !line.endsWith('/'))
    .map((line) => line.slice(PREFIX.length));
}

/** One file of the tarball, as text. */
export function readIn(tarball, path) {
  return execFileSync('tar', ['-xzOf', tarball, `${PREFIX}${path}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}
