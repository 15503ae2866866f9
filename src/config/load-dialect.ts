import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dialect } from '../dialects/dialect';
import type { DialectFile } from '../dialects/dialect-file';
import { dialectOfCheckedFile } from '../dialects/from-file';
import { fileReason, parseJsonText } from '../json-file';
import { checkInput } from '../schema/check';
import { dialectFile } from '../schema/dialect-file';
import { nonEmptyString } from '../schema/primitives';
import { ConfigError } from './config-error';

/**
 * Reads and checks a dialect file (JSON, as `pop3-mock capture` writes it),
 * for `startPop3Mock({ dialect: loadDialect('./my-server.json') })`.
 *
 * @param path - the file; a relative path resolves against `cwd`.
 * @throws ConfigError when the file cannot be read or is not JSON; InputError
 *   naming the field (`texts.greeting`, `behaviour.maxLineLength.AUTHORIZATION`)
 *   when what it holds is not a dialect file.
 */
export function loadDialect(path: string, cwd: string = process.cwd()): DialectFile {
  checkInput(nonEmptyString, path, { source: 'loadDialect()', at: 'path' });
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read dialect file ${path}: ${fileReason(error)}`);
  }
  const source = `dialect file ${path}`;
  const data = parseJsonText(
    text,
    source,
    (message) => new ConfigError(`${source} is not valid JSON: ${message}`),
  );
  return checkInput(dialectFile, data, { source });
}

/**
 * A {@link Dialect} from a dialect file's data: what {@link loadDialect}
 * returns, or an object written in code. Checked first, as a file is, so a
 * wrong field is an `InputError` naming it (`file.texts.greeting`).
 */
export function dialectFromFile(file: DialectFile): Dialect {
  return dialectOfCheckedFile(checkInput(dialectFile, file, { source: 'dialectFromFile()', at: 'file' }));
}
