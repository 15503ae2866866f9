import { transform } from 'sucrase';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['plugins']>[number];

/**
 * tsup's cjs-splitting step (its esbuild writes the split CommonJS chunks as
 * ES modules, then converts them), with sucrase's syntax transforms off.
 * tsup's own step runs after user plugins and skips a build whose context
 * says it is not split: the context is told so (the options still say
 * whether it is).
 */
const cjsSplittingKeepingSyntax: Plugin = {
  name: 'cjs-splitting-keeping-syntax',
  renderChunk(code, info) {
    if (this.format !== 'cjs' || this.options.splitting !== true) return;
    if (info.type !== 'chunk' || !/\.(js|cjs)$/.test(info.path)) return;
    this.splitting = false;
    const { code: converted } = transform(code, {
      filePath: info.path,
      transforms: ['imports'],
      disableESTransforms: true,
    });
    return { code: converted };
  },
};

// Dual CJS + ESM build. get-port is ESM-only, so it is bundled (noExternal):
// otherwise the CJS build could not require() it on Node 20. zod is bundled
// too: loaded as its hundred-odd modules it cost about 110 ms per fresh
// process (and per jest test file, whose module registry starts empty),
// bundled about 40 ms (bench (h)). The source imports zod as a namespace
// (`import * as z from 'zod'`), which esbuild tree-shakes; `import { z }`
// kept every export of zod, its sixty-odd locales too
// (test/package/zod-english-only.mjs fails when they come back). No source
// maps: the output is not minified, stack traces read as the source, and
// zod's maps alone would double the package. Splitting, for CJS too
// (experimental in tsup 8), lets the entry points share one copy of the
// library instead of each bundling its own. tsup makes the split CommonJS
// chunks from ES module ones with sucrase, whose default also rewrote every
// `?.`, `??` and class field into helper calls (an array and closures per
// `?.`): a session cost 1.28-1.38x the CPU in the CommonJS build that jest
// loads (test/package/cjs-syntax-kept.mjs; bench/README.md, twenty-first
// session). So the plugin above (cjsSplittingKeepingSyntax) does that step itself, with sucrase's
// syntax transforms off. (tsup's `treeshake` has rollup make the chunks
// instead, but rollup keeps a dynamic `import()` in CommonJS, which jest runs
// only with --experimental-vm-modules: the control API, the SMTP intake,
// nodemailer fields and a preferred port failed in a jest test file;
// test/package/cjs-jest/dynamic-imports.test.ts.)
// keepNames: sucrase's class-field transform turned classes into `_class3 =
// class ...`, so jest printed `_class3` for a WaitTimeoutError
// (test/package/cjs-jest checks the names); it keeps every name whatever the
// output does to it. Without it, esbuild names a class with static members
// `_FaultBuilder`, a SessionRecord prints as `_SessionRecord`, and the
// CommonJS build's error classes have no name at all
// (test/package/names-kept.cjs, run by the node-test and esm consumers). It names every
// arrow function bound to a name or a property with a call (Object.defineProperty)
// each time it is made: the session path makes none per command (protocol/steps/login.ts).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    jest: 'src/testing/jest.ts',
    'jest-setup': 'src/testing/jest-setup.ts',
    'jest/global-setup': 'src/testing/global-setup.ts',
    'jest/global-teardown': 'src/testing/global-teardown.ts',
    cli: 'src/cli.ts',
  },
  format: ['cjs', 'esm'],
  dts: {
    entry: {
      index: 'src/index.ts',
      jest: 'src/testing/jest.ts',
      'jest-global': 'src/jest-global.d.ts',
      'jest-setup': 'src/testing/jest-setup.ts',
      'jest/global-setup': 'src/testing/global-setup.ts',
      'jest/global-teardown': 'src/testing/global-teardown.ts',
    },
    compilerOptions: { ignoreDeprecations: '6.0' },
  },
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: false,
  noExternal: ['get-port', 'zod'],
  // Both typings of pop3-mock/jest import Pop3Matchers and jest's Matchers from the one
  // dist/jest-global.d.ts (the .d.mts built beside it is left out of the package): as written,
  // not rewritten to each format's copy. esbuild never sees the import (type-only).
  external: [/^\.\.\/jest-global\.js$/],
  shims: true,
  splitting: true,
  keepNames: true,
  plugins: [cjsSplittingKeepingSyntax],
});
