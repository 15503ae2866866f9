import { defineConfig } from 'tsup';

// Dual CJS + ESM build. get-port is ESM-only, so it is bundled (noExternal):
// otherwise the CJS build could not require() it on Node 20. Splitting, for
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
  sourcemap: true,
  noExternal: ['get-port'],
  shims: true,
  splitting: true,
});
