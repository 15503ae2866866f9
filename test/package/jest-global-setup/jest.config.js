/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Starts one server before the workers, configured from pop3-mock.config.json
  // in this folder; the workers find it through POP3_MOCK_* variables.
  globalSetup: 'pop3-mock/jest/global-setup',
  globalTeardown: 'pop3-mock/jest/global-teardown',
  setupFilesAfterEnv: ['pop3-mock/jest-setup'],
  maxWorkers: 2,
  transform: {},
};
