import type { LocatedCommand, Pop3Event, RecordedCommand } from '../vocabulary';
import { isSecretVerb, MASK, redactCommand } from './redact';

/**
 * What a query or verification matches:
 * - a string: `'RETR 1'`. The verb is case-insensitive, arguments are exact,
 *   an argument `*` matches any one argument (`'TOP 1 *'`). For PASS the
 *   argument is the rest of the line, spaces included. Secrets match their
 *   real values (`'PASS secret'`); they are masked only when printed.
 * - a RegExp, tested against the command text `VERB arg1 arg2` (real values).
 * - a function of the recorded command.
 */
export type CommandPattern = string | RegExp | ((command: LocatedCommand) => boolean);

/** The text a command is matched on: `VERB args`, real values; for PASS the rest of the line. */
export function commandText(command: Pick<RecordedCommand, 'verb' | 'args' | 'raw'>): string {
  if (command.verb === 'PASS') {
    const space = command.raw.indexOf(' ');
    return space === -1 ? 'PASS' : `PASS ${command.raw.slice(space + 1)}`;
  }
  return [command.verb, ...command.args].join(' ');
}

/** The text a command is printed as: `VERB args`, secrets masked unless asked for. */
export function printedCommand(
  command: Pick<RecordedCommand, 'verb' | 'args' | 'raw'>,
  secrets = false,
): string {
  return secrets ? commandText(command) : redactCommand(command.verb, command.args);
}

export function matchesCommand(pattern: CommandPattern, command: LocatedCommand): boolean {
  if (typeof pattern === 'function') return pattern(command);
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(commandText(command));
  }
  const { verb, args, rest } = parsePattern(pattern);
  if (verb !== command.verb) return false;
  if (verb === 'PASS') {
    const text = commandText(command);
    return rest === '*' ? text.length > 'PASS '.length : text === (rest === '' ? 'PASS' : `PASS ${rest}`);
  }
  return args.length === command.args.length && args.every((a, i) => a === '*' || a === command.args[i]);
}

function parsePattern(pattern: string): { verb: string; args: string[]; rest: string } {
  const trimmed = pattern.replace(/^\s+/, '');
  const space = trimmed.search(/\s/);
  const verb = (space === -1 ? trimmed : trimmed.slice(0, space)).toUpperCase();
  const rest = space === -1 ? '' : trimmed.slice(space + 1);
  return { verb, args: rest.split(/\s+/).filter((a) => a !== ''), rest };
}

/**
 * The verb of a string pattern that names a verb and no argument (`'DELE'`),
 * which matches only that command with no argument: a `DELE 1` does not
 * match it, though a reader may take `'DELE'` for any DELE (as a fault
 * rule's `on('DELE')` is). Undefined for any other pattern.
 */
export function bareVerbOf(pattern: CommandPattern): string | undefined {
  if (typeof pattern !== 'string') return undefined;
  const { verb, rest } = parsePattern(pattern);
  return verb !== '' && rest.trim() === '' ? verb : undefined;
}

/** Words that say what a bare verb pattern matches, and how to write the others. */
export function bareVerbHint(verb: string): string {
  return `"${verb}" matches only a ${verb} with no argument: write '${verb} *' for a ${verb} with one, /^${verb}\\b/i for any ${verb}, or /^${verb}$/i for none`;
}

/** The verb a pattern is about, when it can be told (for near-miss ranking). */
export function patternVerb(pattern: CommandPattern): string | undefined {
  if (typeof pattern === 'string') return parsePattern(pattern).verb || undefined;
  if (pattern instanceof RegExp)
    return /^\^?\(?\??:?([A-Za-z]{3,4})\b/.exec(pattern.source)?.[1]?.toUpperCase();
  return undefined;
}

/** A plain-text form of a pattern to measure edit distance against, when there is one. */
export function patternText(pattern: CommandPattern): string | undefined {
  if (typeof pattern === 'string') {
    const { verb, args, rest } = parsePattern(pattern);
    return verb === 'PASS' ? (rest === '' ? 'PASS' : `PASS ${rest}`) : [verb, ...args].join(' ');
  }
  if (pattern instanceof RegExp) {
    return pattern.source
      .replace(/\\s[+*]?/g, ' ')
      .replace(/\\d[+*]?/g, '0')
      .replace(/\\(.)/g, '$1')
      .replace(/[\^$()[\]{}|?+*]/g, '')
      .replace(/\.$/, '');
  }
  return undefined;
}

/** A pattern as it may be printed: a string with secrets masked, a RegExp about a secret verb hidden. */
export function describePattern(pattern: CommandPattern): string {
  if (typeof pattern === 'function') return `a command matching ${pattern.name || 'the predicate'}()`;
  if (pattern instanceof RegExp) {
    const verb = patternVerb(pattern);
    if (/PASS|APOP|AUTH/i.test(pattern.source) || (verb !== undefined && isSecretVerb(verb))) {
      return `/${verb ?? ''}… ${MASK}/ (a RegExp over a secret-bearing command; source hidden)`;
    }
    return String(pattern);
  }
  const { verb, args } = parsePattern(pattern);
  return JSON.stringify(redactCommand(verb, args));
}

/** Every command of a session's events, with its position and the reply it got. */
export function locateCommands(record: {
  readonly id: number;
  readonly events: readonly Pop3Event[];
}): LocatedCommand[] {
  const out: LocatedCommand[] = [];
  let user: string | undefined;
  let awaiting: number | undefined;
  for (const e of record.events) {
    if (e.type === 'auth' && e.result === 'ok') user = e.user;
    if (e.type === 'reply' && awaiting !== undefined) {
      const { line: reply, bytes, wholeBytes } = e;
      out[awaiting] =
        wholeBytes === undefined
          ? { ...out[awaiting]!, reply }
          : { ...out[awaiting]!, reply, replyCut: { bytes, wholeBytes } };
      awaiting = undefined;
    }
    if (e.type === 'command') {
      const { verb, args, raw, state, at } = e;
      awaiting = out.length;
      out.push({
        verb,
        args,
        raw,
        state,
        at,
        sessionId: record.id,
        index: out.length + 1,
        user,
        reply: undefined,
      });
    }
  }
  return out;
}
