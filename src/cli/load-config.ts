import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import type { MessageSource } from '../fixtures/types';
import type { Pop3MockOptions, UserOptions } from '../options';
import type { CapabilitySettings } from '../protocol/capabilities';
import { ALL_MECHANISMS, isMechanismName, type SaslMechanismName } from '../protocol/sasl/mechanisms';
import { ConfigError } from './errors';

/** What a config file may set: {@link Pop3MockOptions} as plain data, the dialect by name. */
export interface CliConfigOptions
  extends Pick<
    Pop3MockOptions,
    | 'host'
    | 'port'
    | 'portFallback'
    | 'lock'
    | 'autologoutMs'
    | 'capabilities'
    | 'tlsPort'
    | 'apop'
    | 'requireTls'
    | 'seed'
    | 'maxSessions'
    | 'faults'
  > {
  /** Port of the HTTP control API. */
  controlPort?: number;
  /** Port of the SMTP intake. */
  smtpPort?: number;
  users?: Record<string, UserOptions>;
  /** A dialect name, e.g. `rfc`. */
  dialect?: string;
}

/** A loaded, checked config file. */
export interface CliConfig {
  options: CliConfigOptions;
  /** The folder relative fixture paths resolve against: the config file's own. */
  baseDir: string;
  /** The path as given on the command line, for messages. */
  displayPath: string;
}

const TOP_LEVEL_KEYS = [
  'host',
  'port',
  'portFallback',
  'users',
  'lock',
  'autologoutMs',
  'capabilities',
  'dialect',
  'tlsPort',
  'controlPort',
  'smtpPort',
  'apop',
  'requireTls',
  'seed',
  'maxSessions',
  'faults',
] as const;
const USER_KEYS = ['password', 'messages', 'oauthToken'] as const;
const BOOLEAN_CAPABILITIES = [
  'top',
  'uidl',
  'user',
  'pipelining',
  'respCodes',
  'authRespCode',
  'stls',
  'utf8',
  'lang',
] as const;
const LOCK_MODES = ['exclusive', 'none'] as const;

type Json = Record<string, unknown>;

/**
 * Reads a config file: JSON (`.json`) or CommonJS (`.js`, `.cjs`, loaded with
 * `require`, `module.exports = {...}`; an ES module's default export is taken
 * too where Node can require it).
 *
 * @throws ConfigError naming the file and the first problem found.
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
      throw new ConfigError(`cannot read config ${shown}: ${fsReason(error)}`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`config ${shown} is not valid JSON: ${messageOf(error)}`);
    }
  }
  if (ext === '.js' || ext === '.cjs') {
    let loaded: unknown;
    try {
      loaded = createRequire(path)(path);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'MODULE_NOT_FOUND' && !existsSync(path)) {
        throw new ConfigError(`cannot read config ${shown}: not found`);
      }
      throw new ConfigError(`cannot load config ${shown}: ${messageOf(error)}`);
    }
    return isRecord(loaded) && 'default' in loaded ? loaded.default : loaded;
  }
  throw new ConfigError(`config ${shown}: use a .json, .js or .cjs file`);
}

function checkConfig(data: unknown, shown: string): CliConfigOptions {
  const fail = (message: string): never => {
    throw new ConfigError(`config ${shown}: ${message}`);
  };
  if (!isRecord(data)) return fail('must hold an object');
  for (const key of Object.keys(data)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      fail(`unknown key ${JSON.stringify(key)} (known: ${TOP_LEVEL_KEYS.join(', ')})`);
    }
  }
  const out: CliConfigOptions = {};
  if (data.host !== undefined) {
    if (typeof data.host !== 'string' || data.host === '') fail('"host" must be a non-empty string');
    out.host = data.host as string;
  }
  if (data.port !== undefined) {
    if (!Number.isInteger(data.port) || (data.port as number) < 0 || (data.port as number) > 65535) {
      fail('"port" must be an integer from 0 to 65535');
    }
    out.port = data.port as number;
  }
  if (data.portFallback !== undefined) {
    if (typeof data.portFallback !== 'boolean') fail('"portFallback" must be true or false');
    out.portFallback = data.portFallback as boolean;
  }
  if (data.lock !== undefined) {
    if (!(LOCK_MODES as readonly unknown[]).includes(data.lock)) {
      fail(`"lock" must be one of ${LOCK_MODES.map((m) => `"${m}"`).join(', ')}`);
    }
    out.lock = data.lock as (typeof LOCK_MODES)[number];
  }
  if (data.autologoutMs !== undefined) {
    if (
      typeof data.autologoutMs !== 'number' ||
      !(data.autologoutMs > 0) ||
      !Number.isFinite(data.autologoutMs)
    ) {
      fail('"autologoutMs" must be a positive number of milliseconds');
    }
    out.autologoutMs = data.autologoutMs as number;
  }
  if (data.dialect !== undefined) {
    if (typeof data.dialect !== 'string') fail('"dialect" must be a dialect name, e.g. "rfc"');
    out.dialect = data.dialect as string;
  }
  for (const key of ['tlsPort', 'controlPort', 'smtpPort'] as const) {
    const value = data[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
      fail(`"${key}" must be an integer from 0 to 65535`);
    }
    out[key] = value as number;
  }
  for (const key of ['apop', 'requireTls'] as const) {
    if (data[key] === undefined) continue;
    if (typeof data[key] !== 'boolean') fail(`"${key}" must be true or false`);
    out[key] = data[key] as boolean;
  }
  for (const key of ['seed', 'maxSessions'] as const) {
    if (data[key] === undefined) continue;
    if (!Number.isInteger(data[key]) || (data[key] as number) < 0)
      fail(`"${key}" must be a non-negative integer`);
    out[key] = data[key] as number;
  }
  if (data.faults !== undefined) {
    // Rules as the builder writes them (JSON.stringify of on(...) rules); the server checks each on use.
    if (!Array.isArray(data.faults) && typeof data.faults !== 'string') {
      fail('"faults" must be an array of fault rules or the path of a JSON file of them');
    }
    out.faults = data.faults as Pop3MockOptions['faults'];
  }
  if (data.capabilities !== undefined) out.capabilities = checkCapabilities(data.capabilities, fail);
  if (data.users !== undefined) out.users = checkUsers(data.users, fail);
  return out;
}

function checkCapabilities(value: unknown, fail: (message: string) => never): Partial<CapabilitySettings> {
  if (!isRecord(value)) return fail('"capabilities" must be an object');
  const out: Partial<CapabilitySettings> = {};
  for (const [key, setting] of Object.entries(value)) {
    if ((BOOLEAN_CAPABILITIES as readonly string[]).includes(key)) {
      if (typeof setting !== 'boolean') fail(`capabilities.${key} must be true or false`);
      out[key as (typeof BOOLEAN_CAPABILITIES)[number]] = setting as boolean;
    } else if (key === 'implementation') {
      // null in JSON means "leave IMPLEMENTATION out", as undefined does in code.
      if (setting !== null && typeof setting !== 'string')
        fail('capabilities.implementation must be a string or null');
      out.implementation = setting === null ? undefined : (setting as string);
    } else if (key === 'sasl') {
      if (!Array.isArray(setting) || !setting.every((m) => typeof m === 'string' && isMechanismName(m))) {
        fail(`capabilities.sasl must be a list of: ${ALL_MECHANISMS.join(', ')}`);
      }
      out.sasl = setting as SaslMechanismName[];
    } else if (key === 'loginDelay') {
      if (typeof setting !== 'number' || setting < 0)
        fail('capabilities.loginDelay must be seconds (a number)');
      out.loginDelay = setting as number;
    } else if (key === 'expire') {
      if (setting !== 'NEVER' && (typeof setting !== 'number' || setting < 0)) {
        fail('capabilities.expire must be a number of days or "NEVER"');
      }
      out.expire = setting as number | 'NEVER';
    } else {
      const known = [...BOOLEAN_CAPABILITIES, 'implementation', 'sasl', 'loginDelay', 'expire'].join(', ');
      fail(`unknown capability ${JSON.stringify(key)} (known: ${known})`);
    }
  }
  return out;
}

function checkUsers(value: unknown, fail: (message: string) => never): Record<string, UserOptions> {
  if (!isRecord(value)) return fail('"users" must be an object of user name to { password, messages }');
  // No prototype: a user named __proto__ stays a user.
  const out: Record<string, UserOptions> = Object.create(null);
  for (const [name, user] of Object.entries(value)) {
    const where = `users.${name}`;
    if (name === '' || /\s/.test(name)) fail(`user name ${JSON.stringify(name)} is empty or holds spaces`);
    if (typeof user === 'string') {
      if (user === '') fail(`${where}: the password is empty`);
      out[name] = { password: user };
      continue;
    }
    if (!isRecord(user)) fail(`${where} must be a password string or { password, messages }`);
    const record = user as Json;
    for (const key of Object.keys(record)) {
      if (!(USER_KEYS as readonly string[]).includes(key)) {
        fail(`${where}: unknown key ${JSON.stringify(key)} (known: ${USER_KEYS.join(', ')})`);
      }
    }
    if (typeof record.password !== 'string') fail(`${where}.password must be a string`);
    if (record.password === '') fail(`${where}.password is empty`);
    if (record.oauthToken !== undefined && typeof record.oauthToken !== 'string') {
      fail(`${where}.oauthToken must be a string`);
    }
    out[name] = {
      password: record.password as string,
      messages: checkMessages(record.messages, where, fail),
      ...(record.oauthToken === undefined ? {} : { oauthToken: record.oauthToken as string }),
    };
  }
  return out;
}

/** Only the outer shape is checked here; the fixture loader explains bad sources itself. */
function checkMessages(value: unknown, where: string, fail: (message: string) => never): MessageSource[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((source, i) => {
    const isSource = typeof source === 'string' || Buffer.isBuffer(source) || isRecord(source);
    if (!isSource) {
      fail(`${where}.messages[${i}] must be a path, a raw message string or a message object`);
    }
  });
  return list as MessageSource[];
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function fsReason(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return messageOf(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
