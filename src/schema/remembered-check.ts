import { types } from 'node:util';

/**
 * A door check that remembers the last inputs it passed (eight). A suite
 * that starts a server in every `beforeEach` hands the options check the
 * same data again and again, and cold, as a test meets it, the schema's
 * run was an eighth of a start-greeting-close cycle (bench/README.md, 3
 * Dec 2026, sixth session). A check is pure, so an input equal to one it
 * remembers gets the same verdict: it gets the same checked value, and the
 * schema does not run again. An input holding over 1 MiB of Buffers is not
 * remembered (it would keep them alive).
 *
 * "Equal" is kept to what the schema's verdict and output can depend on:
 * - strings, numbers and the other primitives by value;
 * - functions and Buffers by identity (the schema checks their kind only);
 * - arrays and plain objects by their items, and keys in order.
 *
 * Any other object (a class instance, a Date, a Map, a proxy), an object
 * with a getter, a Symbol, non-enumerable or inherited key, and an array
 * with a hole or a getter make the input one that is checked every time
 * and never remembered: values are read from property descriptors, so no
 * getter runs here (it would run again in the check, and the two reads
 * could differ). So does an output that holds an object of the input's (a
 * plain object the schema passes through as it was given): the next input
 * would be answered with the old input's object, and a change the caller
 * made to the new one would go unseen.
 *
 * `madeOfInputAlone` tells, from the checked value, whether it depends on
 * nothing but the input: one built from something a program may change (a
 * dialect file's object, made a Dialect from the exported presets) is
 * checked every time.
 *
 * The input is only ever read through property descriptors (no getter, no
 * proxy trap runs). Each start gets its own copy of the remembered value's
 * arrays and plain objects, frozen where the schema froze them (its
 * readonly lists), as a fresh check gives it.
 */
export function rememberingCheck<T>(
  check: (value: unknown) => T,
  madeOfInputAlone: (checked: T) => boolean = () => true,
): (value: unknown) => T {
  // The most recently used first.
  const remembered: { readonly data: Data; readonly checked: T }[] = [];
  return (value) => {
    for (let i = 0; i < remembered.length; i++) {
      const entry = remembered[i]!;
      if (!holdsData(value, entry.data)) continue;
      if (i > 0) remembered.unshift(...remembered.splice(i, 1));
      return copyOf(entry.checked);
    }
    // The input's data as it was given, before the check runs; NOT_DATA when it is not plain data.
    const inputObjects = new Set<object>();
    const data = dataOfInput(value, inputObjects);
    const checked = check(value);
    if (data !== NOT_DATA && madeOfInputAlone(checked) && !holdsAny(checked, inputObjects)) {
      remembered.unshift({ data, checked: copyOf(checked) });
      if (remembered.length > MAX_REMEMBERED) remembered.pop();
    }
    return checked;
  };
}

/**
 * How many inputs are remembered: a suite's few sets of options (one per
 * describe block, say) taking turns all find theirs.
 */
const MAX_REMEMBERED = 8;
/** Buffers an input may hold and be remembered (they are kept alive while it is): fixtures, not bulk. */
const MAX_BUFFER_BYTES = 1024 * 1024;

/** A copy of an input's data: a primitive, a function or Buffer itself, or a list or keyed copy. */
type Data = unknown;
const NOT_DATA = Symbol('not plain data');
/** The copy of an array, told apart from the copy of an object. */
class ListData {
  constructor(readonly items: readonly Data[]) {}
}
/** The copy of a plain object: its keys as `for…in` gives them, in that order, and their values. */
class ObjectData {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly Data[],
  ) {}
}

/**
 * {@link dataOf} of a whole input; NOT_DATA, left for the check to judge, if
 * reading it threw (an object whose prototype chain holds a revoked proxy:
 * `Buffer.isBuffer` walks it). The check meets the same object and reports it.
 */
function dataOfInput(value: unknown, objects: Set<object>): Data | typeof NOT_DATA {
  try {
    return dataOf(value, objects, { bufferBytes: 0 });
  } catch {
    return NOT_DATA;
  }
}

/** Deeper than options go: an input nested deeper (or a cycle) is not remembered. */
const MAX_DEPTH = 16;

/** The copy of `value`'s data, adding each array and object in it to `objects`; NOT_DATA when it is not plain data. */
function dataOf(
  value: unknown,
  objects: Set<object>,
  held: { bufferBytes: number },
  depth = 0,
): Data | typeof NOT_DATA {
  // Before anything asks it a question (isBuffer's instanceof runs a proxy's trap), and a function
  // too: a proxy kept as a value would have its trap run by every later lookup, and throw once revoked.
  if (types.isProxy(value)) return NOT_DATA;
  if (Buffer.isBuffer(value)) {
    held.bufferBytes += value.length;
    return held.bufferBytes > MAX_BUFFER_BYTES ? NOT_DATA : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return NOT_DATA;
  objects.add(value);
  const plain = plainParts(value);
  if (plain === undefined) return NOT_DATA;
  const values: Data[] = [];
  for (const item of plain.values) {
    const data = dataOf(item, objects, held, depth + 1);
    if (data === NOT_DATA) return NOT_DATA;
    values.push(data);
  }
  return plain.keys === undefined ? new ListData(values) : new ObjectData(plain.keys, values);
}

/**
 * Whether `value` holds the data `data` is a copy of: the same kinds, keys in
 * the same order, equal values. The same rules as {@link dataOf}, read the
 * same way (no getter runs), without making a copy: a start that finds its
 * options makes nothing but the copy of the checked value.
 */
function holdsData(value: unknown, data: Data): boolean {
  if (data instanceof ListData) {
    const { items } = data;
    if (!isList(value) || value.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) {
      const item = ownValue(value, i);
      if (item === NO_VALUE || !holdsData(item, items[i])) return false;
    }
    return true;
  }
  if (data instanceof ObjectData) {
    if (!isPlainObject(value)) return false;
    const { keys, values } = data;
    let i = 0;
    for (const key in value) {
      if (key !== keys[i]) return false;
      const item = ownValue(value, key);
      if (item === NO_VALUE || !holdsData(item, values[i])) return false;
      i++;
    }
    return i === keys.length && noOtherKeys(value, i);
  }
  return Object.is(value, data);
}

/** What {@link ownValue} gives for a key that is not a data property of the object's own. */
const NO_VALUE = Symbol('no own data value');

/** The value of `key` if it is an own data property of `value`, else NO_VALUE: a getter is not run. */
function ownValue(value: object, key: string | number): unknown {
  // A getter here would run again in the check, and two reads of it can differ.
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : NO_VALUE;
}

/** Whether an object's own keys are the `count` that for…in showed: no non-enumerable one, no Symbol (a record's check reads both). */
function noOtherKeys(value: object, count: number): boolean {
  return (
    Object.getOwnPropertyNames(value).length === count && Object.getOwnPropertySymbols(value).length === 0
  );
}

function isList(value: unknown): value is unknown[] {
  // The proxy first: asking a proxy for its prototype runs its trap.
  return Array.isArray(value) && !types.isProxy(value) && Object.getPrototypeOf(value) === Array.prototype;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || types.isProxy(value))
    return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An array's items, or a plain object's keys and values; undefined for
 * anything else. Read from property descriptors, so no getter runs: an
 * accessor, a hole, a Symbol, non-enumerable or inherited key (an object's
 * check reads those too), or a proxy make the input one that is checked.
 */
function plainParts(value: object): { keys: string[] | undefined; values: unknown[] } | undefined {
  if (isList(value)) {
    const values: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      values[i] = ownValue(value, i);
      if (values[i] === NO_VALUE) return undefined;
    }
    return { keys: undefined, values };
  }
  if (!isPlainObject(value)) return undefined;
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const key in value) {
    // NO_VALUE for a getter, and for an inherited key (one set on Object.prototype), which the schema's for…in sees.
    const item = ownValue(value, key);
    if (item === NO_VALUE) return undefined;
    keys.push(key);
    values.push(item);
  }
  return noOtherKeys(value, keys.length) ? { keys, values } : undefined;
}

/** Whether `output` holds, at any depth, one of `objects`. */
function holdsAny(output: unknown, objects: Set<object>): boolean {
  if (typeof output !== 'object' || output === null) return false;
  if (objects.has(output)) return true;
  if (Buffer.isBuffer(output)) return false;
  for (const item of Array.isArray(output) ? output : Object.values(output)) {
    if (holdsAny(item, objects)) return true;
  }
  return false;
}

/**
 * A copy of a checked value's arrays and plain objects, at every depth (the
 * rest, functions and Buffers, as they are): each start gets objects of its
 * own, as a fresh check gives it, so nothing one server or its caller does
 * to them reaches another.
 */
function copyOf<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return value;
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < items.length; i++) items[i] = copyOf(value[i]);
    return (Object.isFrozen(value) ? Object.freeze(items) : items) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const key of Object.keys(value)) copy[key] = copyOf((value as Record<string, unknown>)[key]);
  // What the schema froze (its readonly lists) is frozen in the copy too.
  return (Object.isFrozen(value) ? Object.freeze(copy) : copy) as T;
}
