// `Pop3Matchers` and jest's global `Matchers` extended with it, declared once for both module
// formats: dist/jest.d.ts and jest.d.mts export Pop3Matchers from dist/jest-global.d.ts, built from
// this file (tsup.config.ts keeps their import as written). A declaration per format made a
// program that loads both (a CommonJS .ts file and an .mts file importing `pop3-mock/jest`) fail
// with TS2320 (Matchers extending two Pop3Matchers); the augmentation alone in one file would
// still fail an interface that extends jest's Matchers and the Pop3Matchers of the other format
// (vitest's Assertion, with the vitest.d.ts of jest.ts's TSDoc, in an ES module project).
// test/package/dual-jest-types checks both. At the top of src/: the kept import is rebased on
// src/, which stands for dist/.
import type { Pop3Matchers } from './testing/jest-matchers.js';

export type { Pop3Matchers };

declare global {
  // jest's matcher types live in the global `jest` namespace; T must match its declaration.
  namespace jest {
    // biome-ignore lint/complexity/noBannedTypes: must be identical to @types/jest's `Matchers<R, T = {}>`.
    interface Matchers<R, T = {}> extends Pop3Matchers<R> {}
  }
}
