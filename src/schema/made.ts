import type * as z from 'zod';

/**
 * The schema a `z.lazy` stands for, made on its first use and kept: what
 * code that reads a schema's parts (`.shape`, `.extend`) takes. zod's
 * `.unwrap()` on a lazy schema makes it again at every call.
 */
export function made<T extends z.core.$ZodType>(schema: z.ZodLazy<T>): T {
  return schema._zod.innerType;
}
