const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Only characters of the base64 alphabet and `=`: a line that fails to decode has a bad length or padding. */
export const BASE64_CHARACTERS = /^[A-Za-z0-9+/=]*$/;

/**
 * Decodes a client's base64 line strictly (RFC 5034 §4): characters outside
 * the alphabet or misplaced `=` give `undefined`. A lone `=` is an empty
 * initial response.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (text === '=') return Buffer.alloc(0);
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
