/** The message of an expectation that failed; fails the test when it passed. */
export function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the expectation passed');
}
