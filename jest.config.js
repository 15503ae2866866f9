const { availableParallelism } = require('node:os');

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
  // Three workers on two cores: with one per core the suite used ~1.5 of them (96.6 s of CPU in 63.3 s on
  // a quiet machine, at 70f5258), its files waiting on chromium, pytest, CLIs and timers. When it was bound
  // by CPU (151 s), three were no faster. Timing assertions are lower bounds; the waits with an upper limit (1 s
  // and more) held with three workers at load averages of 5-10.
  // (jest reads a percentage over 100 % as a plain number of workers, so the count is worked out here.)
  maxWorkers: Math.ceil(availableParallelism() * 1.5),
};
