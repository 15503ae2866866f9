import type { Pop3Matchers } from 'pop3-mock/jest';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the shape vitest declares.
  interface Matchers<T = any> extends Pop3Matchers<void> {}
}
