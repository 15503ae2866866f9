import * as z from 'zod';

/** Key sets a schema is cut for and kept; past this, inputs are checked by the whole schema. */
const MAX_CUTS = 64;

/**
 * A strict object schema of optional keys, checked against the keys an
 * input gives only. The whole schema is one definition; `for(input)` is that
 * definition cut to the input's keys (made once per key set and kept), so
 * the check of `{ users }` does not run the other twenty keys' schemas to
 * find them absent. Cold, as a test's `beforeEach` meets it, that was a
 * third of a server start's options check (bench/README.md, 3 Dec 2026,
 * third session).
 *
 * Same verdict, same messages: an absent optional key is no issue and no
 * output, so dropping it changes nothing; `refine` (the checks across keys)
 * runs on every cut. A key counts as given as the whole schema counts it
 * (`key in input`: getters and non-enumerable keys too), and a cut lists its
 * keys in the shape's order, so issues and output keep the whole schema's
 * order. A non-object, or an input with a key the shape lacks, is checked by
 * the whole schema, whose errors name the unknown key.
 *
 * Every key must be optional without a default (the whole schema would fill
 * an absent key's default in, a cut would leave it out): checked here by the
 * keys' outer kinds only, since reading `_zod.optin` would make every lazy
 * schema inside (fault rules, dialect files) at once, on import; the test
 * `given-keys.test.ts` reads it for the options' every key.
 */
export function strictObjectOfGivenKeys<Shape extends z.ZodRawShape>(
  shape: Shape,
  refine: (value: z.output<z.ZodObject<Shape, z.core.$strict>>, ctx: z.RefinementCtx) => void,
) {
  for (const [key, schema] of Object.entries(shape)) {
    const inner = (schema._zod.def as { innerType?: z.ZodType }).innerType;
    const defaulted = inner?._zod.def.type === 'default' || inner?._zod.def.type === 'prefault';
    if (schema._zod.def.type !== 'optional' || defaulted)
      throw new Error(`strictObjectOfGivenKeys: key "${key}" is not optional without a default`);
  }
  const shapeKeys = Object.keys(shape);
  const whole = z.strictObject(shape).superRefine(refine);
  type Whole = typeof whole;
  const cuts = new Map<string, Whole>();

  return {
    whole,
    /** The schema to check `input` with: the whole one cut to the keys it gives. */
    for(input: unknown): Whole {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return whole;
      for (const key in input) if (!Object.hasOwn(shape, key)) return whole;
      let keys = '';
      for (const key of shapeKeys) if (key in input) keys += `${key}\n`;
      let cut = cuts.get(keys);
      if (cut === undefined) {
        if (cuts.size >= MAX_CUTS) return whole;
        const given = Object.fromEntries(
          keys
            .split('\n')
            .filter((key) => key !== '')
            .map((key) => [key, shape[key]]),
        );
        // Output: the whole schema's, without the keys the input leaves out (all optional).
        cut = z
          .strictObject(given)
          .superRefine(refine as (value: unknown, ctx: z.RefinementCtx) => void) as unknown as Whole;
        cuts.set(keys, cut);
      }
      return cut;
    },
  };
}
