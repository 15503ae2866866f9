import type { InputLine } from './line-reader';

/** Lines of one dropped stretch kept in the transcript; the rest is left out (a flood is not a transcript). */
const MAX_LINES = 64;

/**
 * The lines of plaintext that were dropped unread, as text: queued lines,
 * then bytes not yet split into lines (`rest`: a line's start, or what came
 * instead of a handshake). Each line cut at `limit` characters, CRLF or LF
 * removed, at most {@link MAX_LINES}.
 */
export function droppedLines(
  queued: readonly InputLine[],
  rest: Buffer | undefined,
  limit: number,
): string[] {
  const lines: string[] = [];
  for (const line of queued) {
    if (line.kind === 'line') lines.push(line.chunk.toString('utf8', line.start, line.end));
  }
  if (rest !== undefined && rest.length > 0) {
    const text = rest.toString('utf8');
    const parts = text.split('\n');
    // A final LF leaves an empty last part: not a line.
    if (parts.at(-1) === '') parts.pop();
    lines.push(...parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p)));
  }
  return lines.slice(0, MAX_LINES).map((l) => l.slice(0, limit));
}
