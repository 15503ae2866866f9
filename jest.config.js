/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  moduleNameMapper: {
    '^pop3-mock$': '<rootDir>/src/index.ts',
    '^pop3-mock/jest$': '<rootDir>/src/testing/jest.ts',
    // A relative dynamic import names the built file (`./x.js`, as Node's ESM
    // resolution wants); in the suite it is the TypeScript source.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // zod's locale index, its 63 locales loaded when first read, not with zod (see the file).
    '^\\.\\./locales/index\\.cjs$': '<rootDir>/test/helpers/zod-locales-lazy.cjs',
  },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/package/'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // get-port is ESM-only; let swc turn it into CJS for the suite.
  transformIgnorePatterns: ['/node_modules/(?!(get-port)/)'],
  // Compiles each module once per worker, not once per test file (see the file); each file still
  // evaluates its modules afresh.
  runtime: '<rootDir>/test/helpers/script-cache-runtime.cjs',
  testTimeout: 15000,
  // One worker per core: the suite keeps both busy (about 80 % of two cores over a run), and three workers
  // were barely faster (82-88 s against 87-90 s) while crowding the timing tests' lower bounds.
  maxWorkers: '100%',
};
