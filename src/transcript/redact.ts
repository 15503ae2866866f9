/** Verbs whose arguments are secrets (RFC 1939 PASS, APOP digest, RFC 5034 AUTH payloads). */
const SECRET_ARGS: Readonly<Record<string, number>> = { PASS: 0, APOP: 1, AUTH: 1 };

export const MASK = '******';

/** A command line as it may be printed: secrets replaced by {@link MASK}. */
export function redactCommand(verb: string, args: readonly string[]): string {
  const from = SECRET_ARGS[verb];
  if (from === undefined) return [verb, ...args].join(' ');
  const kept = args.slice(0, from);
  return [verb, ...kept, ...(args.length > from ? [MASK] : [])].join(' ');
}
