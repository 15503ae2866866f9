import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * zod's list of locales, cut to English. zod's namespace object (`z`, which
 * the schemas use) carries `z.locales`, so the bundle kept all of zod's
 * sixty-odd locales, half of the zod we ship (about 400 KB) and parsed by
 * every process and every jest test file that loads the package. The mock's
 * messages are its own and English; zod registers English itself
 * (`classic/schemas.js` imports `en.js` directly), so `z.locales.en` is all
 * that stays.
 */
const zodEnglishOnly: EsbuildPlugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: 'js',
    }));
  },
};

// Dual CJS + ESM build. get-port is ESM-only, so it is bundled (noExternal):
// otherwise the CJS build could not require() it on Node 20. zod is bundled
// too: loaded as its hundred-odd modules it cost about 110 ms per fresh
// process (and per jest test file, whose module registry starts empty),
// bundled about 40 ms (bench (h)); with English alone (zodEnglishOnly), 20-28 ms
// less again. No source maps: the output is not
// minified, stack traces read as the source, and zod's maps alone would
// double the package. Splitting, for
// CJS too (experimental in tsup 8), lets the entry points share one copy of
// the library instead of each bundling its own.
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
  esbuildPlugins: [zodEnglishOnly],
  shims: true,
  splitting: true,
});
