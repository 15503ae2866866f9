// The message lists a start checks run without zod's cycle tracking. Its own
// file: a check of any other input (one reaching the nodemailer-fields branch)
// would make the lazy that kept the tracking on, and hide the fault.
import { z } from 'zod';
import { codeMessages } from '../../src/schema/options';

describe("zod's cycle tracking (its memoizer) is off for the message lists a start checks", () => {
  // zod wraps every container's parse to track the objects it meets, in case
  // the schema is recursive, and takes the wrapper out once it finds that it
  // is not; a z.lazy not yet made counts as maybe recursive. A lazy in a
  // union branch that a check never reaches (nodemailer fields, when every
  // message is a path) kept the wrapper on for good. The probe reads zod's
  // name for its wrapper; the control case shows that the probe still works.
  const wrapped = (schema: z.ZodType) =>
    (schema._zod as { parse: { name: string } }).parse.name === 'wrapped';
  const listOf = (union: z.ZodType) => (union._zod.def as unknown as { options: z.ZodType[] }).options[0]!;

  test('the list of code messages, checked three times with paths', () => {
    for (let i = 0; i < 3; i++) codeMessages.parse(['/a.eml', '/b.eml']);
    expect(wrapped(listOf(codeMessages))).toBe(false);
  });

  test('control: a list whose items hold a lazy never reached keeps the wrapper', () => {
    const never = z.lazy(() => z.strictObject({ x: z.number() }));
    const messages = z.union([z.array(z.union([z.string(), never])), z.string()]);
    for (let i = 0; i < 3; i++) messages.parse(['/a.eml']);
    expect(wrapped(listOf(messages))).toBe(true);
  });
});
