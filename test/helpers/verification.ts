import { VerificationError } from '../../src';

/** The `VerificationError` that `run` throws; fails the test when it throws nothing, or something else. */
export function verificationError(run: () => unknown): VerificationError {
  try {
    run();
  } catch (error) {
    if (error instanceof VerificationError) return error;
    throw error;
  }
  throw new Error('verify did not throw');
}
