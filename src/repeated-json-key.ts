import type { Path } from './schema/check';

type Frame =
  | { readonly kind: 'object'; readonly keys: Set<string>; key: string; expectKey: boolean }
  | { readonly kind: 'array'; index: number };

/**
 * The path of the first key that JSON text gives twice in one object, or
 * undefined. `JSON.parse` keeps the last of them without a word, so a config
 * with two `"faults"` would run with the second alone: a door must say so
 * instead. `text` must be JSON that `JSON.parse` took.
 */
export function repeatedJsonKey(text: string): Path | undefined {
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const frame = frames.at(-1);
      if (frame?.kind === 'object' && frame.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) return [...frames.slice(0, -1).map(placeIn), key];
        frame.keys.add(key);
        frame.key = key;
        frame.expectKey = false;
      }
      i = end;
    } else if (c === '{') frames.push({ kind: 'object', keys: new Set(), key: '', expectKey: true });
    else if (c === '[') frames.push({ kind: 'array', index: 0 });
    else if (c === '}' || c === ']') frames.pop();
    else if (c === ',') {
      const frame = frames.at(-1);
      if (frame?.kind === 'object') frame.expectKey = true;
      else if (frame) frame.index++;
    }
  }
  return undefined;
}

function placeIn(frame: Frame): string | number {
  return frame.kind === 'object' ? frame.key : frame.index;
}

/** Where the string opened at `start` closes: the next quote not escaped (found with indexOf: a body can hold megabytes of message text). */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1);
  return end === -1 ? text.length : end;
}

/** Whether the character at `at` follows an odd run of backslashes. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text[at - 1 - backslashes] === '\\') backslashes++;
  return backslashes % 2 === 1;
}
