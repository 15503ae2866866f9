import { assertNever } from '../assert-never';
import { commandTable } from '../protocol/command-table';
import type { Pop3Event } from '../vocabulary';

/**
 * Verbs whose arguments are secrets, and the index of the first secret one:
 * PASS string (RFC 1939 §7), APOP name digest (RFC 1939 §7), AUTH mechanism
 * initial-response (RFC 5034 §4).
 */
const SECRET_ARGS: Readonly<Record<string, number>> = { PASS: 0, APOP: 1, AUTH: 1 };

/** What a secret is replaced with in everything printed. */
export const MASK = '******';

/**
 * The verb a line starts with, for redaction: up to the first space or tab,
 * upper-cased, so `pass\tsecret` is still recognised as PASS.
 */
function secretFrom(verb: string): number | undefined {
  const word = verb.split(/[ \t]/, 1)[0]!.toUpperCase();
  return Object.hasOwn(SECRET_ARGS, word) ? SECRET_ARGS[word] : undefined;
}

/** Whether a command verb carries a secret argument (PASS, APOP, AUTH). */
export function isSecretVerb(verb: string): boolean {
  return secretFrom(verb) !== undefined;
}

/** Whether a command holds a secret argument; also a line sent with a blank before PASS. */
export function carriesSecret(verb: string, args: readonly string[]): boolean {
  return isSecretVerb(verb) || (verb === '' && isSecretVerb(args[0] ?? ''));
}

/** A command as it may be printed: `verb args`, secrets replaced by {@link MASK}. */
export function redactCommand(verb: string, args: readonly string[]): string {
  if (verb === '' && args.length > 0) return redactCommand(args[0]!, args.slice(1));
  if (secretFrom(verb) === undefined) return [verb, ...args].join(' ');
  return [verb.split(/[ \t]/, 1)[0]!, ...redactArgs(verb, args)].join(' ');
}

/** The arguments of a command with the secret ones replaced by a single {@link MASK}. */
export function redactArgs(verb: string, args: readonly string[]): readonly string[] {
  if (verb === '' && args.length > 0) return [args[0]!, ...redactArgs(args[0]!, args.slice(1))];
  const from = secretFrom(verb);
  if (from === undefined) return args;
  // A keyword glued to its argument by a tab (`PASS\tsecret`) holds the secret itself.
  if (/[ \t]/.test(verb)) return [MASK];
  return [...args.slice(0, from), ...(args.length > from ? [MASK] : [])];
}

/**
 * A raw command line as it may be printed: the keyword as the client sent it
 * and the public arguments kept, the secret part replaced by {@link MASK}.
 */
export function redactLine(raw: string): string {
  // Even indexes are words, odd ones the blanks between them.
  const tokens = raw.split(/([ \t]+)/);
  const keyword = tokens[0] === '' && tokens.length > 1 ? 2 : 0;
  const from = secretFrom(tokens[keyword] ?? '');
  if (from === undefined) return raw;
  const lastKept = keyword + 2 * from;
  if (
    tokens
      .slice(lastKept + 1)
      .join('')
      .trim() === ''
  )
    return raw;
  return `${tokens.slice(0, lastKept + 2).join('')}${MASK}`;
}

/** An event with every secret it holds masked: command arguments and raw lines, SASL responses. */
export function redactEvent(event: Pop3Event): Pop3Event {
  switch (event.type) {
    case 'command':
      if (!carriesSecret(event.verb, event.args)) return event;
      return {
        ...event,
        verb: event.verb.split(/[ \t]/, 1)[0]!,
        args: redactArgs(event.verb, event.args),
        raw: redactLine(event.raw),
      };
    case 'sasl-response':
      return { ...event, raw: MASK };
    case 'plaintext-dropped':
    case 'line-too-long':
      return { ...event, raw: redactDroppedLine(event.raw) };
    case 'session-start':
    case 'reply':
    case 'reply-unsent':
    case 'auth':
    case 'state':
    case 'tls':
    case 'retrieve':
    case 'update':
    case 'session-end':
    case 'reset':
    case 'fault':
    case 'internal-error':
    case 'tls-failed':
      return event;
    default:
      return assertNever(event);
  }
}

/**
 * A dropped plaintext line as it may be printed. It was never parsed, so
 * nothing says what it was: a line that does not start with a command the
 * server knows (a SASL response after `AUTH PLAIN`, base64 of a password)
 * is masked whole; a command is masked as {@link redactLine} masks one.
 */
export function redactDroppedLine(raw: string): string {
  const word = raw.trimStart().split(/[ \t]/, 1)[0]!.toUpperCase();
  return Object.hasOwn(commandTable, word) ? redactLine(raw) : MASK;
}
