import { errorCode } from './error-code';
import { repeatedJsonKey } from './repeated-json-key';
import { pathText } from './schema/check';
import { InputError } from './schema/input-error';

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
 * A user's JSON text parsed, for every door that reads JSON: a config, a
 * dialect or fault rules file, a control API body. A UTF-8 byte order mark,
 * which some editors write first, is skipped (`JSON.parse` refuses it, and
 * the file is JSON); a key given twice in one object is refused, where
 * `JSON.parse` would keep the last without a word.
 *
 * @param source What is read, for the error: `config pop3.json`, `POST /api/faults`.
 * @param notJson The door's error for text that is not JSON, from `JSON.parse`'s message.
 * @throws what `notJson` makes; InputError naming the repeated key's path.
 */
export function parseJsonText(text: string, source: string, notJson: (message: string) => Error): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw notJson(error instanceof Error ? error.message : String(error));
  }
  const repeated = repeatedJsonKey(json);
  if (repeated !== undefined) {
    const key = JSON.stringify(String(repeated.at(-1)));
    throw new InputError(
      [
        {
          path: pathText(repeated),
          message: `key ${key} given twice in one object (JSON would keep only the last)`,
        },
      ],
      source,
    );
  }
  return data;
}
