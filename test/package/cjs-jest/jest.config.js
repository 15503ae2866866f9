/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // ts-jest type-checks the tests against the types in the installed tarball.
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFilesAfterEnv: ['pop3-mock/jest-setup'],
};
