// Loads the package straight from src/ for the measurement scripts in this
// folder: esbuild (already installed under tsup) bundles src/index.ts into a
// temporary CommonJS file, so the figures are always those of the current
// source, whatever state dist/ is in.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The package's public API (src/index.ts), plus any extra src modules asked for by path. */
export async function loadSrc(extra = []) {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-src-'));
  const entries = ['src/index.ts', ...extra];
  const loaded = [];
  try {
    for (const [i, entry] of entries.entries()) {
      const outfile = join(dir, `entry-${i}.cjs`);
      await build({
        entryPoints: [join(root, entry)],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile,
        logLevel: 'error',
      });
      loaded.push(createRequire(import.meta.url)(outfile));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return loaded.length === 1 ? loaded[0] : loaded;
}

/** Exits with a hint when the script was started without --expose-gc. */
export function requireGc(script) {
  if (typeof globalThis.gc !== 'function') {
    console.error(`run with: node --expose-gc ${script}`);
    process.exit(2);
  }
}

/** Two full collections with a turn of the event loop between them. */
export async function fullGc() {
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
}

export const MB = 1024 * 1024;
export const mb = (bytes) => `${(bytes / MB).toFixed(2)} MB`;
