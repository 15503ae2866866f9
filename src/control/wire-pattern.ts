import type { CommandPattern } from '../transcript/pattern';
import { HttpError } from './http-util';

/** A command pattern as it crosses JSON: a string, or a RegExp's source and flags. */
export type WirePattern = string | { regex: string; flags?: string };

export function toWirePattern(pattern: string | RegExp): WirePattern {
  return typeof pattern === 'string' ? pattern : { regex: pattern.source, flags: pattern.flags };
}

export function fromWirePattern(value: unknown): CommandPattern {
  if (typeof value === 'string') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { regex?: unknown }).regex === 'string'
  ) {
    const { regex, flags } = value as { regex: string; flags?: string };
    try {
      return new RegExp(regex, flags);
    } catch (error) {
      throw new HttpError(400, `invalid regex: ${(error as Error).message}`);
    }
  }
  throw new HttpError(400, 'pattern must be a string such as "RETR 1" or { "regex": "^RETR" }');
}
