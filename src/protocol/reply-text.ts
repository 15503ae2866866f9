import type { CapabilitySettings } from '../capabilities/settings';
import type { Reply } from './reply';

/** Longest reply text: the first line stays within 512 octets with CRLF (RFC 2449 §4). */
const MAX_TEXT = 512 - '-ERR '.length - 2;
const OPEN_BRACKET = 0x5b;

/**
 * Whether every character is printable ASCII (RFC 1939 §3). A loop: a
 * regular expression's test cost several times as much on the short lines of
 * every command and reply (bench/session-path-ab.mjs).
 */
export function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Reply text without its leading response code (`[IN-USE] `), for servers
 * without RESP-CODES; `[AUTH]` stays where AUTH-RESP-CODE is advertised, which
 * promises it on every credential failure (RFC 3206 §6).
 */
function withoutCode(text: string, authRespCode: boolean): string {
  // Most texts have none: no regular expression run for them.
  if (text.charCodeAt(0) !== OPEN_BRACKET || (authRespCode && /^\[AUTH\]/i.test(text))) return text;
  return text.replace(/^\[[^\]]*\] ?/, '');
}

/**
 * The last guard before the wire: reply text is printable and short whatever
 * client text a reply echoes, and without RESP-CODES it starts with no
 * response code (RFC 2449 §8) but the `[AUTH]` that AUTH-RESP-CODE promises. Fault replies (`raw`) go out as the test wrote them.
 */
export function safeText(
  reply: Reply,
  { respCodes, authRespCode }: Pick<CapabilitySettings, 'respCodes' | 'authRespCode'>,
): Reply {
  if (reply.kind === 'continue' || reply.kind === 'raw') return reply;
  const text = sentText(reply.text, { respCodes, authRespCode });
  return text === reply.text ? reply : { ...reply, text };
}

/** A status reply's text as it goes out ({@link safeText}): its response code as the capabilities allow, printable, short. */
export function sentText(
  text: string,
  { respCodes, authRespCode }: Pick<CapabilitySettings, 'respCodes' | 'authRespCode'>,
): string {
  return wireText(respCodes ? text : withoutCode(text, authRespCode));
}

/** `text` with `?` for each character outside printable ASCII. */
export function printableText(text: string): string {
  return isPrintableAscii(text) ? text : text.replace(/[^\x20-\x7e]/g, '?');
}

/** What a reply text goes out as: printable ({@link printableText}), cut to the longest text. */
export function wireText(text: string): string {
  const printable = printableText(text);
  // Printable ASCII by now: one octet per character.
  return printable.length > MAX_TEXT ? printable.slice(0, MAX_TEXT) : printable;
}

/** Client text echoed in a reply: printable ASCII only, and short. */
export function echoedText(text: string): string {
  return printableText(text).slice(0, 40);
}
