import type { z } from 'zod';
import type { $ZodIssue, $ZodRawIssue } from 'zod/v4/core';
import { builtInKind } from './built-in-kind';
import { InputError, type InputIssue } from './input-error';
import { nearest } from './nearest';

/** Where a check happens, for its messages. */
export interface Door {
  /** What is checked, first in the message: `pop3-mock options`, `config pop3.json`, `POST /api/faults`. */
  readonly source: string;
  /** What an unknown key at the top is called: `option`, `key` (default), `field`. */
  readonly noun?: string;
  /** A name for the input itself, put before every path: `rules` gives `rules[0].action`. */
  readonly at?: string;
}

/**
 * The one door check: parses `value` with `schema` (verbs upper-cased,
 * digit strings made numbers) or throws an {@link InputError} naming every
 * problem by path. Nothing is applied before this returns.
 */
export function checkInput<S extends z.ZodType>(schema: S, value: unknown, door: Door): z.output<S> {
  refusePromises(value, door);
  // Without parse options zod takes its fast path (half the time of a server
  // start's check); the messages are made by a second parse, only for input
  // that failed. Parsing is pure, so both give the same verdict.
  const fast = schema.safeParse(value);
  if (fast.success) return fast.data;
  const result = schema.safeParse(value, { error: expectedText, reportInput: true });
  if (result.success) return result.data;
  throw new InputError(namingBuilders(issuesOf(result.error.issues, door), value, door), door.source);
}

/** What a Promise where a value goes is called, at every door. */
const PROMISE_GIVEN =
  'expected a value, got a Promise: what is given here is read at once, never awaited (await it first, or compute it synchronously)';

/**
 * A Promise (any thenable) is refused wherever it sits: no door awaits its
 * input. Read as an object it has no keys, so zod took one as an empty
 * object (`capabilities: Promise.resolve({...})` served the defaults, an
 * async config file served nothing), or threw a TypeError from inside.
 */
function refusePromises(value: unknown, door: Door): void {
  const at = thenablePath(value, door.at === undefined ? [] : [door.at], new Set());
  if (at !== undefined) throw new InputError([{ path: at, message: PROMISE_GIVEN }], door.source);
}

/** Where in `value` (its plain objects and arrays) a thenable sits, as a path text. */
function thenablePath(value: unknown, path: PropertyKey[], seen: Set<object>): string | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  if (typeof (value as { then?: unknown }).then === 'function') return pathText(path);
  if (Array.isArray(value)) {
    seen.add(value);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // A list of thousands of messages is mostly strings: no path made for them.
      if (typeof item !== 'object' || item === null) continue;
      const at = thenablePath(item, [...path, i], seen);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  seen.add(value);
  for (const key of Object.keys(value)) {
    // Read from the descriptor: a getter is not run here (a dialect's texts may be getters that the
    // session runs, and whose failures it records), so a Promise a getter returns is not seen.
    const item: unknown = Object.getOwnPropertyDescriptor(value, key)?.value;
    if (typeof item !== 'object' || item === null) continue;
    const at = thenablePath(item, [...path, key], seen);
    if (at !== undefined) return at;
  }
  return undefined;
}

/** What a fault rule builder left without its action is called, wherever a rule goes. */
const UNFINISHED_RULE =
  "expected a rule, got a rule builder with no action yet: end it with one, e.g. on('RETR').reply('-ERR [SYS/TEMP] try later')";

/**
 * A rule builder (`on('RETR')`, no action) where a rule goes is one issue at
 * its place: read as a rule, each of its methods would be named as a bad
 * field (`nth: expected an integer, got a function`), a dozen lines about
 * nothing the user wrote.
 */
function namingBuilders(issues: InputIssue[], value: unknown, door: Door): InputIssue[] {
  const builders = builderPaths(value, door.at === undefined ? [] : [door.at]);
  if (builders.length === 0) return issues;
  const out: InputIssue[] = [];
  for (const issue of issues) {
    const at = builders.find(
      (b) => issue.path === b || issue.path.startsWith(`${b}.`) || issue.path.startsWith(`${b}[`),
    );
    const named = at === undefined ? issue : { path: at, message: UNFINISHED_RULE };
    if (!out.some((o) => o.path === named.path && o.message === named.message)) out.push(named);
  }
  return out;
}

/** Where in `value` (plain objects and arrays, a few levels down) a rule builder sits, as path texts. */
function builderPaths(value: unknown, path: PropertyKey[], depth = 0): string[] {
  if (typeof value !== 'object' || value === null || depth > 6) return [];
  if (isUnfinishedBuilder(value)) return [pathText(path)];
  if (Array.isArray(value)) return value.flatMap((item, i) => builderPaths(item, [...path, i], depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return [];
  return Object.entries(value).flatMap(([key, item]) => builderPaths(item, [...path, key], depth + 1));
}

/** What `on()` and `connection()` return before an action method (`reply()`, `delay()`, ...) makes the rule: a class instance, where a rule is plain data. */
function isUnfinishedBuilder(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return (
    proto !== Object.prototype && proto !== null && typeof (value as { reply?: unknown }).reply === 'function'
  );
}

function issuesOf(issues: readonly $ZodIssue[], door: Door): InputIssue[] {
  return describeIssues(
    issues,
    door.at === undefined ? [] : [door.at],
    door.at === undefined ? (door.noun ?? 'key') : 'key',
  );
}

export type Path = readonly PropertyKey[];

function describeIssues(issues: readonly $ZodIssue[], prefix: Path, noun: string): InputIssue[] {
  return issues.flatMap((issue) => describeIssue(issue, prefix, noun));
}

function describeIssue(issue: $ZodIssue, prefix: Path, noun: string): InputIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    // A Buffer or a typed array taken as an object: its indices and methods are no misspelt keys (a
    // hundred "unknown key" lines), the value is the wrong kind. (Class instances are read as objects.)
    if (ArrayBuffer.isView(issue.input))
      return [{ path: pathText(path), message: `expected an object, got ${show(issue.input, path)}` }];
    // The message holds `"key"; did you mean "known"?` (see expectedText).
    const what = path.length === 0 ? noun : 'key';
    return issue.message
      .split('\n')
      .map((one) => ({ path: pathText(path), message: `unknown ${what} ${one}` }));
  }
  // A record's key its key schema refused (a user name with a space, ".."): the key schema's
  // own words at the key's path, not zod's "Invalid key in record".
  if (issue.code === 'invalid_key' && issue.issues.length > 0)
    return describeIssues(issue.issues, path, noun);
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // No branch fitted. When one was the right kind of value with a problem inside
    // (a misspelt key, a bad field), that problem says most; else the union's own text.
    const branch = closestBranch(issue.errors);
    const inside = branch?.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys');
    if (branch && (inside || !isCustom(issue.message))) return describeIssues(branch, path, noun);
  }
  const got =
    issue.code === 'invalid_union' && 'discriminator' in issue ? discriminatorValue(issue) : issue.input;
  // A check across fields (a refinement) explains itself; anything else shows what it got.
  const message =
    issue.code === 'custom' && got === undefined ? issue.message : `${issue.message}, got ${show(got, path)}`;
  return [{ path: pathText(path), message }];
}

function discriminatorValue(issue: $ZodIssue & { discriminator?: string }): unknown {
  const input = issue.input;
  if (typeof input !== 'object' || input === null || issue.discriminator === undefined) return input;
  return (input as Record<string, unknown>)[issue.discriminator];
}

/**
 * The union branch that came closest: of the branches that took the value as
 * the right kind, the one whose problem lies deepest, then the one with fewest.
 */
function closestBranch(branches: readonly (readonly $ZodIssue[])[]): readonly $ZodIssue[] | undefined {
  const sameKind = branches.filter((issues) => !issues.some(isWrongKind));
  if (sameKind.length === 0) return undefined;
  const score = (issues: readonly $ZodIssue[]) => depth(issues) * 1000 - issues.length;
  return sameKind.reduce((best, issues) => (score(issues) > score(best) ? issues : best));
}

/** A problem with the value itself being the wrong kind (a string where an object goes). */
function isWrongKind(issue: $ZodIssue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  if (issue.code === 'custom')
    return (issue.params as { wrongKind?: boolean } | undefined)?.wrongKind === true;
  if (issue.code === 'invalid_union') return closestBranch(issue.errors) === undefined;
  return false;
}

function depth(issues: readonly $ZodIssue[]): number {
  let deepest = 0;
  for (const issue of issues) {
    const inner = issue.code === 'invalid_union' ? depth(closestBranch(issue.errors) ?? []) : 0;
    deepest = Math.max(deepest, issue.path.length + inner + (issue.code === 'unrecognized_keys' ? 1 : 0));
  }
  return deepest;
}

/** Our own messages start with `expected`; zod's defaults are replaced in {@link expectedText}. */
function isCustom(message: string): boolean {
  return message.startsWith('expected');
}

/** The per-parse error map: zod's issue as `expected ...` (the value shown is added afterwards). */
function expectedText(issue: $ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${KINDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return `expected ${bound(issue.origin, '>=', issue.minimum, issue.inclusive)}`;
    case 'too_big':
      return `expected ${bound(issue.origin, '<=', issue.maximum, issue.inclusive)}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if (issue.note === 'No matching discriminator') {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
      }
      return 'expected one of the documented forms';
    case 'invalid_format':
      return `expected a string matching ${issue.pattern ?? issue.format}`;
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKey(key, knownKeys(issue))).join('\n');
    default:
      return undefined;
  }
}

function unknownKey(key: string, known: readonly string[]): string {
  const guess = nearest(key, known);
  return guess === undefined
    ? JSON.stringify(key)
    : `${JSON.stringify(key)}; did you mean ${JSON.stringify(guess)}?`;
}

/** The keys the object schema that raised the issue knows. */
function knownKeys(issue: $ZodRawIssue): string[] {
  const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return Object.keys(def?.shape ?? {});
}

const KINDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  array: 'an array',
  function: 'a function',
  bigint: 'an integer',
  date: 'a date',
  undefined: 'nothing',
  never: 'nothing here',
};

function bound(origin: string, op: '>=' | '<=', limit: unknown, inclusive?: boolean): string {
  const n = Number(limit);
  if (origin === 'array' || origin === 'set')
    return `${op === '>=' ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') {
    if (op === '>=' && n === 1) return 'a non-empty string';
    return `a string of ${op === '>=' ? 'at least' : 'at most'} ${n} characters`;
  }
  const strict = inclusive === false ? op.slice(0, 1) : op;
  return `a number ${strict} ${n}`;
}

/** A key whose value an error never shows. `secrets` (the flag that unmasks transcripts) holds no secret. */
const SECRET_KEY = /password|token|secret(?!s$)/i;

/** A value as an error shows it: short, and never a secret. */
export function show(value: unknown, path: Path = []): string {
  const key = String(path.at(-1) ?? '');
  if (SECRET_KEY.test(key) && value !== undefined) return `${kindOf(value)} (not shown)`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (value instanceof RegExp) return String(value);
  // JSON would show a Map or a Set as {}, a Date as a string: the kind says what was given.
  const builtIn = builtInKind(value);
  if (builtIn !== undefined) return `a ${builtIn}`;
  let text: string;
  try {
    text = JSON.stringify(value, shownInside) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * JSON's replacer for what an object or list shows inside: a secret's key
 * with its kind only (an error goes to CI logs, and `users: [{ password }]`
 * showed the password), a function as one (JSON drops it: an object of
 * methods showed as `{}`).
 */
function shownInside(key: string, item: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && item !== undefined) return `(${kindOf(item)}, not shown)`;
  if (typeof item === 'function') return '(a function)';
  return item;
}

/** A secret's kind, with its article: `a string`, `an object`, `a list`, `null`. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  const kind = typeof value;
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** The value at a path as {@link pathText} writes it (`tls.certificate`, `faults[0].action`), if there is one. */
export function valueAtPath(object: object, path: string): unknown {
  let value: unknown = object;
  for (const [, index, quoted, plain] of path.matchAll(/\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|([^.[\]]+)/g)) {
    const key = index ?? (quoted === undefined ? plain : (JSON.parse(quoted) as string)) ?? '';
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** `faults[0].action.bytes`; keys that are not identifiers in brackets. */
export function pathText(path: Path): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(part))) text += text === '' ? String(part) : `.${String(part)}`;
    else text += `[${JSON.stringify(String(part))}]`;
  }
  return text;
}
