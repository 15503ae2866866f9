import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(__dirname, '../..');

/** A bundle of one source entry, in its own folder. */
export interface SourceBundle {
  readonly file: string;
  readonly dir: string;
  remove(): void;
}

/**
 * Bundles `src/<entry>` with tsup's own bundler and tsup's rules
 * (dependencies external, get-port bundled, as tsup.config.ts says): ~0.1 s,
 * where a tsup run takes ~1 s, and never the shared dist/ that other suites
 * read. The folder sits inside the package so external dependencies resolve.
 */
export async function bundleSource(entry: string, outName: string): Promise<SourceBundle> {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'pop3-mock-bundle-'));
  const file = join(dir, outName);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  await build({
    entryPoints: [join(root, 'src', entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: Object.keys(pkg.dependencies).filter((name) => name !== 'get-port'),
    logLevel: 'error',
  });
  return { file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
