import { randomBytes } from 'node:crypto';
import type { GreetingInfo, ReplyTexts } from '../dialects/dialect';
import { ok, type Reply } from './reply';

let greetingCounter = 0;

/** The mock's own timestamp shape: process id, greeting counter, milliseconds. */
const DEFAULT_APOP_TIMESTAMP = '<{digits}.{digits}.{digits}@{host}>';

const PLACEHOLDER = /\{(digits|hex|base64|host)\}/g;

/**
 * RFC 1939 §7: a msg-id-like timestamp, different for every greeting, in a
 * dialect's shape. The numbers are the process id, a greeting counter and
 * the time in that order (one number alone: the time and the counter, so it
 * still differs per greeting); `{base64}` is 12 random bytes. A `{hex}`
 * number gets a last digit `a`, so it never reads as `{digits}` when the
 * mock itself is captured.
 */
export function apopTimestamp(now: number, hostname: string, shape = DEFAULT_APOP_TIMESTAMP): string {
  const counter = ++greetingCounter;
  const numericCount = shape.match(/\{(digits|hex)\}/g)?.length ?? 0;
  const numbers =
    numericCount === 1
      ? [BigInt(now) * 1000n + BigInt(counter % 1000)]
      : [process.pid, counter, now].map(BigInt);
  let next = 0;
  return shape.replace(PLACEHOLDER, (_token, name: string) => {
    if (name === 'host') return hostname;
    if (name === 'base64') return randomBytes(12).toString('base64');
    const value = numbers[next++] ?? BigInt(counter);
    return name === 'hex' ? `${value.toString(16)}a` : value.toString();
  });
}

/** The greeting: the dialect's text, with the APOP timestamp when APOP is on. */
export function greetingReply(texts: ReplyTexts, info: GreetingInfo, timestamp: string | undefined): Reply {
  const text = texts.greeting(info);
  return ok(timestamp ? `${text} ${timestamp}` : text);
}
