/**
 * SASLprep (RFC 4013), as far as a mock needs it: characters "commonly
 * mapped to nothing" (RFC 3454 B.1) removed, non-ASCII spaces (C.1.2) mapped
 * to SPACE, then NFKC. Prohibited-output and bidi checks are left out.
 * Used for UTF-8 credentials in UTF8 mode (RFC 6856 §2.2).
 */
export function saslprep(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (MAPPED_TO_NOTHING.some(([from, to]) => code >= from && code <= to)) continue;
    out += NON_ASCII_SPACES.some(([from, to]) => code >= from && code <= to) ? ' ' : char;
  }
  return out.normalize('NFKC');
}

/** RFC 3454 table B.1, as code point ranges. */
const MAPPED_TO_NOTHING: readonly (readonly [number, number])[] = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

/** RFC 3454 table C.1.2. */
const NON_ASCII_SPACES: readonly (readonly [number, number])[] = [
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the bytes are well-formed UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    // A fatal decoder throws on malformed input: that is the answer here, not an error.
    return false;
  }
}
