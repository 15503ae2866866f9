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
 * The dependencies tsup bundles (its config's `noExternal`), read from
 * tsup.config.ts: importing it would load tsup.
 */
function bundledDependencies(): string[] {
  const config = readFileSync(join(root, 'tsup.config.ts'), 'utf8');
  const list = /\bnoExternal: \[([^\]]*)\]/.exec(config)?.[1];
  if (list === undefined) throw new Error('bundle-src: no noExternal list in tsup.config.ts');
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

/**
 * Bundles `src/<entry>` with tsup's own bundler and tsup's rules
 * (dependencies external but those tsup.config.ts bundles, get-port and zod):
 * ~0.1 s, where a tsup run takes ~1 s, and never the shared dist/ that other
 * suites read. The folder sits inside the package so external dependencies
 * resolve. zod bundled, as in the package, also starts a CLI faster than zod's
 * hundred-odd modules loaded from node_modules.
 */
export async function bundleSource(entry: string, outName: string): Promise<SourceBundle> {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'pop3-mock-bundle-'));
  const file = join(dir, outName);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const bundled = bundledDependencies();
  await build({
    entryPoints: [join(root, 'src', entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: Object.keys(pkg.dependencies).filter((name) => !bundled.includes(name)),
    logLevel: 'error',
  });
  return { file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
