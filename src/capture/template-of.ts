import { escapeTemplate } from '../dialects/file-placeholders';
import { escapeRegExp } from '../escape-regexp';

/** The values a reply may show, by placeholder name, in order of preference when two are equal. */
export type KnownValues = ReadonlyArray<readonly [name: string, value: string | number]>;

/**
 * Turns a reply text into a template: every known value standing on its own
 * (not inside a longer word or number) becomes its `{placeholder}`, literal
 * braces are doubled. When two values are equal the first named wins, so
 * callers probe with values that differ (a message number past the count).
 */
export function templateOf(text: string, values: KnownValues): string {
  const byValue = new Map<string, string>();
  for (const [name, value] of values) {
    const shown = String(value);
    if (shown !== '' && !byValue.has(shown)) byValue.set(shown, name);
  }
  if (byValue.size === 0) return escapeTemplate(text);
  // Longest first, so `1026` is not read as `1` followed by `026`.
  const alternatives = [...byValue.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'g');
  let out = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += `${escapeTemplate(text.slice(last, match.index))}{${byValue.get(match[0])}}`;
    last = match.index + match[0].length;
  }
  return out + escapeTemplate(text.slice(last));
}
