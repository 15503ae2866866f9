import type { StoredMessage } from '../mailbox/message';

/** The bytes TOP sends: headers, blank line, first `lineCount` body lines (LF ends a line, CR does not). */
export function topOf(message: StoredMessage, lineCount: number): Buffer {
  const { wire, bodyStart } = message;
  if (bodyStart === -1) return wire;
  let end = bodyStart;
  for (let n = 0; n < lineCount && end < wire.length; n++) {
    const lf = wire.indexOf(0x0a, end);
    end = lf === -1 ? wire.length : lf + 1;
  }
  return wire.subarray(0, end);
}
