import { parseArgs } from 'node:util';
import { SMTP_AUTH_MODES } from '../schema/options';
import type { SmtpAuthMode } from '../smtp/intake';
import { UsageError } from './errors';

/** One `--user NAME:PASSWORD[:PATH]` value. */
export interface UserArg {
  name: string;
  password: string;
  /** Fixture path as written (relative to the working directory), if one was given. */
  path: string | undefined;
}

/** The command line, parsed and checked for form (not yet for meaning). */
export interface CliArgs {
  help: boolean;
  version: boolean;
  config: string | undefined;
  users: UserArg[];
  host: string | undefined;
  port: number | undefined;
  tlsPort: number | undefined;
  /** `--tls-certificate MODE`, unchecked (the plan checks it against the modes). */
  tlsCertificate: string | undefined;
  controlPort: number | undefined;
  smtpPort: number | undefined;
  smtpTlsPort: number | undefined;
  smtpAuth: SmtpAuthMode | undefined;
  dialect: string | undefined;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  user: { type: 'string', short: 'u', multiple: true },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  'tls-port': { type: 'string' },
  'tls-certificate': { type: 'string' },
  'control-port': { type: 'string' },
  'smtp-port': { type: 'string' },
  'smtp-tls-port': { type: 'string' },
  'smtp-auth': { type: 'string' },
  dialect: { type: 'string' },
} as const;

/**
 * Parses `pop3-mock` arguments with `node:util` `parseArgs` (strict: unknown
 * options and positionals are errors).
 *
 * @throws UsageError for anything malformed.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const users = (values.user ?? []).map(parseUser);
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.name)) throw new UsageError(`--user ${user.name} is given twice`);
    seen.add(user.name);
  }
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    config: nonEmpty('--config', values.config),
    users,
    host: nonEmpty('--host', values.host),
    port: parsePort('--port', values.port),
    tlsPort: parsePort('--tls-port', values['tls-port']),
    tlsCertificate: nonEmpty('--tls-certificate', values['tls-certificate']),
    controlPort: parsePort('--control-port', values['control-port']),
    smtpPort: parsePort('--smtp-port', values['smtp-port']),
    smtpTlsPort: parsePort('--smtp-tls-port', values['smtp-tls-port']),
    smtpAuth: parseSmtpAuth(values['smtp-auth']),
    dialect: nonEmpty('--dialect', values.dialect),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

/** Node's messages are long and mention `--` escapes; keep the first sentence (they end with "." and a space or a line break). */
function describeParseError(error: unknown): string {
  // Not instanceof Error: node:util's errors come from another realm when main() runs in a vm (jest).
  const given =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  const message = typeof given === 'string' ? given : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return option ? `unknown option ${option}` : message;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']+)'/.exec(message)?.[1];
    return argument ? `unexpected argument ${JSON.stringify(argument)}` : message;
  }
  return message.split(/\.\s/)[0] ?? message;
}

/**
 * `NAME:PASSWORD[:PATH]`. The name ends at the first `:`, the password at the
 * second; the path is the rest, so it may itself hold colons (`C:\mail`).
 * A password with a colon cannot be given here: use a config file.
 */
export function parseUser(value: string): UserArg {
  const first = value.indexOf(':');
  // The value is not echoed: it may be a password typed with the wrong separator.
  if (first === -1) throw new UsageError('--user needs NAME:PASSWORD[:PATH] (no ":" found)');
  const name = value.slice(0, first);
  const rest = value.slice(first + 1);
  const second = rest.indexOf(':');
  const password = second === -1 ? rest : rest.slice(0, second);
  const path = second === -1 ? undefined : rest.slice(second + 1);
  // The password is never echoed back in an error, only the user name.
  if (name === '') throw new UsageError('--user needs a user name before the first ":"');
  if (/\s/.test(name)) throw new UsageError(`--user ${JSON.stringify(name)}: a user name cannot hold spaces`);
  if (password === '') throw new UsageError(`--user ${name}: the password is empty`);
  if (path === '') throw new UsageError(`--user ${name}: the fixture path after the second ":" is empty`);
  return { name, password, path };
}

function parsePort(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(`${option} needs a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

function parseSmtpAuth(value: string | undefined): SmtpAuthMode | undefined {
  if (value === undefined) return undefined;
  const mode = SMTP_AUTH_MODES.find((m) => m === value);
  if (mode === undefined) {
    throw new UsageError(`--smtp-auth needs ${SMTP_AUTH_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return mode;
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`${option} needs a value`);
  return value;
}
