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
 * output, so dropping it changes nothing. `refine` (the checks across keys)
 * runs on every cut that has one of the keys in `refineReads`, the keys it
 * may read (its argument's type holds only those, so reading another does
 * not compile); a cut without any gives it nothing to find. A key counts as
 * given as the whole schema counts it (`key in input`: getters,
 * non-enumerable keys, a proxy's `has`), and a cut lists its
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
export function strictObjectOfGivenKeys<Shape extends z.ZodRawShape, Reads extends keyof Shape & string>(
  shape: Shape,
  refine: (value: { readonly [K in Reads]: z.output<Shape[K]> }, ctx: z.RefinementCtx) => void,
  refineReads: readonly Reads[],
) {
  for (const [key, schema] of Object.entries(shape)) {
    const inner = (schema._zod.def as { innerType?: z.ZodType }).innerType;
    const defaulted = inner?._zod.def.type === 'default' || inner?._zod.def.type === 'prefault';
    if (schema._zod.def.type !== 'optional' || defaulted)
      throw new Error(`strictObjectOfGivenKeys: key "${key}" is not optional without a default`);
  }
  const shapeKeys = Object.keys(shape);
  if (shapeKeys.length > 31)
    throw new Error('strictObjectOfGivenKeys: at most 31 keys (a cut is named by a bit mask)');
  const bitOf = new Map(shapeKeys.map((key, i) => [key, 1 << i]));
  let readsMask = 0;
  for (const key of refineReads) readsMask |= bitOf.get(key) ?? 0;
  // The whole output holds the keys refine reads (the generic types cannot show zod that).
  const whole = z.strictObject(shape).superRefine(refine as (value: unknown, ctx: z.RefinementCtx) => void);
  type Whole = typeof whole;
  const cuts = new Map<number, Whole>();

  /** The cut's bit mask: a bit for each shape key the input gives; -1 when it gives a key the shape lacks. */
  function givenMask(input: object): number {
    for (const key in input) if (!bitOf.has(key)) return -1;
    // `in`, as the whole schema counts a key given: a proxy's `has`, getters, keys set on Object.prototype.
    let mask = 0;
    for (const [key, bit] of bitOf) if (key in input) mask |= bit;
    return mask;
  }

  return {
    whole,
    /** The schema to check `input` with: the whole one cut to the keys it gives. */
    for(input: unknown): Whole {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return whole;
      const mask = givenMask(input);
      if (mask === -1) return whole;
      let cut = cuts.get(mask);
      if (cut === undefined) {
        if (cuts.size >= MAX_CUTS) return whole;
        const given = Object.fromEntries(
          shapeKeys.filter((key) => mask & bitOf.get(key)!).map((key) => [key, shape[key]]),
        );
        // Output: the whole schema's, without the keys the input leaves out (all optional).
        const object = z.strictObject(given);
        // The checks across keys run when the cut has a key they read; without one they find nothing.
        cut = (mask & readsMask
          ? object.superRefine(refine as (value: unknown, ctx: z.RefinementCtx) => void)
          : object) as unknown as Whole;
        cuts.set(mask, cut);
      }
      return cut;
    },
  };
}
