/**
 * The kind of a built-in object that is no plain object (`Date`, `Map`,
 * `Set`, `Promise`, `Error`, a boxed string, ...), as its own tag names it;
 * undefined for anything else. A class instance of the caller's tags as a
 * plain object and is read as one. Arrays, Buffers and typed arrays have
 * their own words (a list, "a Buffer of 3 bytes") and are left to them.
 */
export function builtInKind(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value))
    return undefined;
  const tag = Object.prototype.toString.call(value).slice('[object '.length, -1);
  return tag === 'Object' ? undefined : tag;
}
