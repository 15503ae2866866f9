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
  // Three workers on two cores: much of a file's time is spent waiting on the processes it starts
  // (the CLI, pytest, chromium), and a run of two workers kept the cores only about 75 % busy
  // (user + sys CPU over wall time). Measured 5 Dec 2026 on 2 cores, `/usr/bin/time npx jest
  // --maxWorkers=N`: two workers 58.9 / 61.6 / 63.4 s; three 50.2 / 51.0 / 57.0 s; four 56.5 s.
  // Timing assertions are lower bounds only, so more load cannot make them fail.
  maxWorkers: '150%',
};
