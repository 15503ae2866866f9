import { errorCode } from './error-code';

/**
 * Why a file a user named could not be read, in their words (`not found`,
 * `it is a folder`), for every door that reads one: a config, a dialect, a
 * fault rules file.
 */
export function fileReason(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/**
 * A JSON file's text parsed. A UTF-8 byte order mark, which some editors
 * write first, is skipped: `JSON.parse` refuses it, and the file is JSON.
 *
 * @throws SyntaxError as `JSON.parse` does.
 */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
