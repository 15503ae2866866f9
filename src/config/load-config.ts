import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { errorCode } from '../error-code';
import { fileReason, parseJsonText } from '../json-file';
import { checkInput } from '../schema/check';
import { type ConfigFileOptions, configFileFor } from '../schema/options';
import { ConfigError } from './config-error';

/** A loaded, checked config file. */
export interface CliConfig {
  options: ConfigFileOptions;
  /** The folder relative fixture paths resolve against: the config file's own. */
  baseDir: string;
  /** The path as given on the command line, for messages. */
  displayPath: string;
}

type Json = Record<string, unknown>;

/**
 * Reads a config file: JSON (`.json`) or CommonJS (`.js`, `.cjs`, loaded with
 * `require`, `module.exports = {...}`; an ES module's default export is taken
 * too where Node can require it).
 *
 * @throws ConfigError when the file cannot be read, InputError (path and what was expected) when what it holds is wrong.
 */
export function loadConfig(file: string, cwd: string): CliConfig {
  const path = resolve(cwd, file);
  // As the user wrote it: that is the path they will recognise.
  const displayPath = file;
  const data = readConfig(path, displayPath);
  return { options: checkConfig(data, displayPath), baseDir: dirname(path), displayPath };
}

function readConfig(path: string, shown: string): unknown {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config ${shown}: ${fileReason(error)}`);
    }
    return parseJsonText(
      text,
      `config ${shown}`,
      (message) => new ConfigError(`config ${shown} is not valid JSON: ${message}`),
    );
  }
  if (ext === '.js' || ext === '.cjs') {
    let loaded: unknown;
    try {
      loaded = quietly(() => createRequire(path)(path));
    } catch (error) {
      const code = errorCode(error);
      if (code === 'MODULE_NOT_FOUND' && !existsSync(path)) {
        throw new ConfigError(`cannot read config ${shown}: not found`);
      }
      throw new ConfigError(`cannot load config ${shown}: ${messageOf(error)}`);
    }
    if (!isRecord(loaded) || !('default' in loaded)) return loaded;
    // An ES module's default export is the config; named exports beside it would be dropped unread.
    const others = Object.keys(loaded).filter(
      (key) => !['default', '__esModule', 'module.exports'].includes(key),
    );
    if (others.length > 0) {
      throw new ConfigError(
        `config ${shown}: expected a default export or named exports, not both (${others.map((k) => JSON.stringify(k)).join(', ')} beside the default would be ignored)`,
      );
    }
    return loaded.default;
  }
  throw new ConfigError(`config ${shown}: use a .json, .js or .cjs file`);
}

/**
 * Runs a config file's code with what it writes to stdout sent to stderr:
 * the ready line must be stdout's first line (a program reads it), whatever
 * the file logs. The stream's write, not console.log: console.dir and
 * process.stdout.write reach stdout without console.log.
 */
function quietly<T>(load: () => T): T {
  const { stdout, stderr } = process;
  const write = stdout.write;
  stdout.write = stderr.write.bind(stderr) as typeof stdout.write;
  try {
    return load();
  } finally {
    stdout.write = write;
  }
}

function checkConfig(data: unknown, shown: string): ConfigFileOptions {
  return checkInput(configFileFor(data), data, { source: `config ${shown}` });
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
