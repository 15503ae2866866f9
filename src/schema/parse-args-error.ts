import { errorCode } from '../error-code';

/*
 * `node:util` parseArgs refusals (an unknown option, a missing value), said
 * in one line: the `pop3-mock` flags and the `capture` subcommand's.
 */

/** Node's messages are long and mention `--` escapes; keep the first sentence. */
export function describeParseError(error: unknown): string {
  // Not instanceof Error: node:util's errors come from another realm when main() runs in a vm (jest).
  const given =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  const message = typeof given === 'string' ? given : String(error);
  const code = errorCode(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return option ? `unknown option ${option}` : message;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']+)'/.exec(message)?.[1];
    return argument ? `unexpected argument ${JSON.stringify(argument)}` : message;
  }
  // E.g. a value starting with "-": Node asks for `--flag=-1`, say so in one line.
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.includes('ambiguous')) {
    const option = /'([^']+)'/.exec(message)?.[1] ?? 'the option';
    return `${option} needs a value; for one starting with "-" write ${option}=VALUE`;
  }
  // The first sentence: Node's messages end one with "." and a space or a line break.
  return message.split(/\.\s/)[0] ?? message;
}

/**
 * The refusal of a flag that takes one value, given more than once: which was
 * meant cannot be known, so neither is kept in silence. A secret's values
 * (`--password`) are not shown.
 */
export function givenMoreThanOnce(flag: string, values: readonly string[]): string {
  const count = values.length === 2 ? 'twice' : `${values.length} times`;
  if (/password|token|secret/i.test(flag)) return `--${flag} given ${count} (values not shown): give it once`;
  const list = `${values.slice(0, -1).join(', ')} and ${values.at(-1)}`;
  return `--${flag} given ${count} (${list}): give it once`;
}
