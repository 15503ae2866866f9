export default {
  test: {
    globals: true,
    // Registers the pop3-mock matchers on vitest's expect.
    setupFiles: ['pop3-mock/jest-setup'],
  },
};
