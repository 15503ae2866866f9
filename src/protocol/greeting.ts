import type { GreetingInfo, ReplyTexts } from '../dialects/dialect';
import { ok, type Reply } from './reply';

let greetingCounter = 0;

/** RFC 1939 §7: a msg-id-like timestamp, different for every greeting. */
export function apopTimestamp(now: number, hostname: string): string {
  return `<${process.pid}.${++greetingCounter}.${now}@${hostname}>`;
}

/** The greeting: the dialect's text, with the APOP timestamp when APOP is on. */
export function greetingReply(texts: ReplyTexts, info: GreetingInfo, timestamp: string | undefined): Reply {
  const text = texts.greeting(info);
  return ok(timestamp ? `${text} ${timestamp}` : text);
}
