import { isValidUtf8 } from './saslprep';

/** A command line split the RFC 1939 §3 way: a keyword, then arguments separated by spaces. */
export interface CommandLine {
  /** The line as received, without CRLF. */
  readonly raw: string;
  /** The keyword as the client sent it. */
  readonly keyword: string;
  /** The keyword upper-cased. */
  readonly verb: string;
  readonly args: readonly string[];
  /** Everything after the keyword and one space (PASS takes spaces). */
  readonly rest: string;
  /** UTF-8 mode only: the bytes are not well-formed UTF-8. */
  readonly malformedUtf8: boolean;
}

// The transcript keeps every command's verb and arguments for as long as it
// keeps the session: one string per distinct verb and one empty list for all
// commands without arguments is that much less for the garbage collector.
const NO_ARGS: readonly string[] = Object.freeze([]);
const verbs = new Map<string, string>();
/** Verbs remembered at most; past it (a client sending random words) new ones are not kept. */
const MAX_VERBS = 256;

/** The keyword upper-cased, as one string per verb. */
function verbOf(keyword: string): string {
  // Clients send verbs in capitals: a known one is found as it is, without a new upper-cased string.
  return verbs.get(keyword) ?? sharedVerb(keyword.toUpperCase());
}

function sharedVerb(verb: string): string {
  const known = verbs.get(verb);
  if (known !== undefined) return known;
  if (verbs.size < MAX_VERBS) verbs.set(verb, verb);
  return verb;
}

/**
 * Arguments separated by one or more spaces. The common case (single spaces)
 * keeps `split`'s exactly sized array; `filter` would make one with room for
 * sixteen, which the transcript would then keep.
 */
function splitArguments(rest: string): readonly string[] {
  if (rest === '') return NO_ARGS;
  const parts = rest.split(' ');
  if (!parts.includes('')) return parts;
  const args = parts.filter((a) => a !== '');
  return args.length === 0 ? NO_ARGS : args.slice();
}

/** The arguments of a command line, as {@link parseCommandLine} splits them. */
export function argumentsOf(raw: string): readonly string[] {
  const space = raw.indexOf(' ');
  return space === -1 ? NO_ARGS : splitArguments(raw.slice(space + 1));
}

const SPACE = 0x20;

/**
 * Whether `args` are exactly {@link argumentsOf}(`raw`), checked without
 * building them: the transcript then keeps only the line and makes the
 * arguments again when read.
 */
export function isArgumentsOf(raw: string, args: readonly string[]): boolean {
  const space = raw.indexOf(' ');
  if (space === -1) return args.length === 0;
  let at = space + 1;
  for (const arg of args) {
    while (raw.charCodeAt(at) === SPACE) at++;
    if (arg === '' || arg.includes(' ') || !raw.startsWith(arg, at)) return false;
    at += arg.length;
    if (at < raw.length && raw.charCodeAt(at) !== SPACE) return false;
  }
  while (raw.charCodeAt(at) === SPACE) at++;
  return at >= raw.length;
}

/** The command line in `bytes` from `start` to `end`, split (RFC 1939 §3). */
export function parseCommandLine(
  bytes: Buffer,
  utf8Mode: boolean,
  start = 0,
  end = bytes.length,
): CommandLine {
  const raw = bytes.toString('utf8', start, end);
  const space = raw.indexOf(' ');
  const keyword = space === -1 ? raw : raw.slice(0, space);
  const rest = space === -1 ? '' : raw.slice(space + 1);
  return {
    raw,
    keyword,
    verb: verbOf(keyword),
    args: splitArguments(rest),
    rest,
    // In UTF-8 mode credentials must be well-formed UTF-8 (RFC 6856 §2.2); elsewhere they must be ASCII anyway.
    malformedUtf8: utf8Mode && !isValidUtf8(bytes.subarray(start, end)),
  };
}
