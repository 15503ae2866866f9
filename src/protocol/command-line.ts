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

export function parseCommandLine(bytes: Buffer, utf8Mode: boolean): CommandLine {
  const raw = bytes.toString('utf8');
  const space = raw.indexOf(' ');
  const keyword = space === -1 ? raw : raw.slice(0, space);
  const rest = space === -1 ? '' : raw.slice(space + 1);
  return {
    raw,
    keyword,
    verb: keyword.toUpperCase(),
    args: rest.split(' ').filter((a) => a !== ''),
    rest,
    // In UTF-8 mode credentials must be well-formed UTF-8 (RFC 6856 §2.2); elsewhere they must be ASCII anyway.
    malformedUtf8: utf8Mode && !isValidUtf8(bytes),
  };
}
