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
  // One worker per core. Three workers on two cores ran a warm tree's suite faster (50-57 s against
  // 59-63 s), but on a fresh clone (`.ci/run`: no transform or bundle caches) they overran hook timeouts
  // twice (16 and 174 failures, 94-102 s, load average up to 70); two pass there in about 63 s.
  maxWorkers: '100%',
};
