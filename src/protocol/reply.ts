import type { ReplyStatus } from '../vocabulary';

/**
 * What a command answers, before it becomes bytes. The reply writer turns it
 * into wire form; faults may replace or reshape it on the way.
 */
export type Reply =
  /** One `+OK`/`-ERR` line. */
  | { readonly kind: 'status'; readonly ok: boolean; readonly text: string }
  /** `+OK text`, then data lines (dot-stuffed on the way out), then `.`. */
  | { readonly kind: 'lines'; readonly text: string; readonly lines: readonly string[] }
  /** `+OK text`, then message bytes with CRLF line ends (dot-stuffed on the way out), then `.`. */
  | { readonly kind: 'message'; readonly text: string; readonly body: Buffer }
  /** A SASL continuation: `+ ` and base64 (RFC 5034 §4). */
  | { readonly kind: 'continue'; readonly base64: string }
  /**
   * Lines written as given (fault replies, which may break the rules on
   * purpose); with more than one line, the rest are data lines, stuffed and
   * terminated.
   */
  | { readonly kind: 'raw'; readonly lines: readonly string[] };

export const ok = (text = ''): Reply => ({ kind: 'status', ok: true, text });
export const err = (text = ''): Reply => ({ kind: 'status', ok: false, text });
export const lines = (text: string, data: readonly string[]): Reply => ({ kind: 'lines', text, lines: data });
export const messageReply = (text: string, body: Buffer): Reply => ({ kind: 'message', text, body });

/** Whether a reply has data lines and a terminator (as the reply writer sends it; what `noTerminator()` leaves out). */
export function isMultiLine(reply: Reply): boolean {
  return (
    reply.kind === 'lines' || reply.kind === 'message' || (reply.kind === 'raw' && reply.lines.length > 1)
  );
}

/** The first line of a reply, without CRLF (for transcripts). */
export function firstLine(reply: Reply): string {
  if (reply.kind === 'raw') return reply.lines[0] ?? '';
  if (reply.kind === 'continue') return reply.base64 === '' ? '+ ' : `+ ${reply.base64}`;
  const failed = reply.kind === 'status' && !reply.ok;
  if (reply.text === '') return failed ? '-ERR' : '+OK';
  // The prefix as one constant: `${status} ${text}` would make a new "+OK " for every reply, and the transcript keeps each line.
  return (failed ? '-ERR ' : '+OK ') + reply.text;
}

/** The status indicator a reply starts with, for transcripts. */
export function statusOf(reply: Reply): ReplyStatus {
  if (reply.kind === 'continue') return '+';
  if (reply.kind === 'raw') return (reply.lines[0] ?? '').startsWith('-') ? '-ERR' : '+OK';
  return reply.kind === 'status' && !reply.ok ? '-ERR' : '+OK';
}
