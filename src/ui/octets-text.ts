import { isUtf8 } from 'node:buffer';
import { FORMAT_CHARACTERS } from '../transcript/render';
import { html, type SafeHtml } from './html';

/** Bytes as {@link showOctets} shows them. */
export interface ShownOctets {
  readonly html: SafeHtml;
  /** Whether any octet was marked: the page then says what the marks are. */
  readonly marked: boolean;
}

/** Characters shown as octets: a NUL would be U+FFFD to the HTML parser, an ESC nothing, a U+202E reorder the text. */
const CONTROL = new RegExp(`[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f${FORMAT_CHARACTERS}]`);

/** An ASCII control character but TAB, LF and CR. */
const ASCII_CONTROL = (octet: number) =>
  octet === 0x7f || (octet < 0x20 && octet !== 9 && octet !== 10 && octet !== 13);

/**
 * Bytes as the view shows them: UTF-8 text as text; each octet that is not
 * part of well-formed UTF-8 (RFC 3629 §4), and the octets of each control
 * character but TAB, CR and LF and of each bidi or separator character
 * ({@link FORMAT_CHARACTERS}), as a marked `\xNN`. Decoding alone would show
 * U+FFFD, nothing, or text in another order, where the client gets real octets.
 */
export function showOctets(bytes: Buffer): ShownOctets {
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    if (!CONTROL.test(text)) return { html: html`${text}`, marked: false };
  }
  const parts: (string | SafeHtml)[] = [];
  let run = 0;
  let i = 0;
  // Marks the `count` octets at i.
  const mark = (count: number) => {
    if (run < i) parts.push(bytes.subarray(run, i).toString('utf8'));
    for (const octet of bytes.subarray(i, i + count)) {
      parts.push(html`<span class="octet">\\x${octet.toString(16).padStart(2, '0')}</span>`);
    }
    i += count;
    run = i;
  };
  while (i < bytes.length) {
    const octet = bytes[i]!;
    // ASCII by its code: decoding each character of a long message would cost.
    const length = octet < 0x80 ? 1 : sequenceLength(bytes, i);
    if (length === 0) mark(1);
    else if (
      length === 1 ? ASCII_CONTROL(octet) : CONTROL.test(bytes.subarray(i, i + length).toString('utf8'))
    )
      mark(length);
    else i += length;
  }
  if (run < i) parts.push(bytes.subarray(run, i).toString('utf8'));
  return { html: html`${parts}`, marked: true };
}

/** The length of the well-formed UTF-8 sequence of 2 to 4 octets at `at`; 0 when there is none. */
function sequenceLength(bytes: Buffer, at: number): number {
  const lead = bytes[at]!;
  // The range of the second octet, by the lead (RFC 3629 §4); the others are 80..BF.
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf
      ? [2, 0x80, 0xbf]
      : lead === 0xe0
        ? [3, 0xa0, 0xbf]
        : lead === 0xed
          ? [3, 0x80, 0x9f]
          : lead >= 0xe1 && lead <= 0xef
            ? [3, 0x80, 0xbf]
            : lead === 0xf0
              ? [4, 0x90, 0xbf]
              : lead >= 0xf1 && lead <= 0xf3
                ? [4, 0x80, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : [0, 0, 0];
  if (length === 0 || at + length > bytes.length) return 0;
  const second = bytes[at + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[at + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/** Where to cut `bytes` at or before `limit` without splitting a UTF-8 character in two. */
export function cutAt(bytes: Buffer, limit: number): number {
  if (limit >= bytes.length) return bytes.length;
  let cut = limit;
  // Back over continuation octets (10xxxxxx), at most 3: a longer run is no character anyway.
  while (cut > limit - 3 && cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return (bytes[cut]! & 0xc0) === 0x80 ? limit : cut;
}
