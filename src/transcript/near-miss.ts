import type { LocatedCommand, ReplyCut } from '../vocabulary';
import { type CommandPattern, commandText, patternText, patternVerb, printedCommand } from './pattern';
import { carriesSecret } from './redact';
import { printable, sentPart } from './render';

/** A command that did not match, and how close it came. */
export interface NearMiss {
  readonly command: LocatedCommand;
  /** Whether it has the verb the pattern asks for. */
  readonly sameVerb: boolean;
  /** Levenshtein distance between the command and the pattern texts; undefined for predicates. */
  readonly distance: number | undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The commands closest to a pattern: same verb first, then by edit distance
 * between the command strings, then the most recent. A predicate pattern has
 * no text to compare, so its near misses are simply the latest commands.
 */
export function nearMisses(
  commands: readonly LocatedCommand[],
  pattern: CommandPattern,
  limit = 5,
): NearMiss[] {
  const verb = patternVerb(pattern);
  const text = patternText(pattern)?.toUpperCase();
  const ranked = commands.map((command, order) => ({
    command,
    order,
    sameVerb: verb !== undefined && command.verb === verb,
    distance: text === undefined ? undefined : editDistance(text, commandText(command).toUpperCase()),
  }));
  ranked.sort(
    (x, y) =>
      Number(y.sameVerb) - Number(x.sameVerb) || (x.distance ?? 0) - (y.distance ?? 0) || y.order - x.order,
  );
  return ranked.slice(0, limit).map(({ command, sameVerb, distance }) => ({ command, sameVerb, distance }));
}

/** `session 1 #3 in TRANSACTION: RETR 2 -> -ERR no such message`, secrets masked. */
export function describeLocated(command: LocatedCommand): string {
  const reply =
    command.reply === undefined ? 'no reply yet' : `-> ${replyText(command.reply, command.replyCut)}`;
  return `session ${command.sessionId} #${command.index} in ${command.state}: ${printable(printedCommand(command))}  ${printable(reply)}`;
}

/** A reply's first line, or for a reply cut short what went out of it and where it was cut. */
function replyText(line: string, cut: ReplyCut | undefined): string {
  if (cut === undefined) return line;
  return `${sentPart(line, cut.bytes)} (reply cut after ${cut.bytes} of ${cut.wholeBytes} octets)`;
}

export function describeNearMiss(miss: NearMiss): string {
  const why: string[] = [];
  if (miss.sameVerb) why.push('same verb');
  // How far a secret is from the pattern would tell something about the secret.
  const secret = carriesSecret(miss.command.verb, miss.command.args);
  if (miss.distance !== undefined && !secret) why.push(`distance ${miss.distance}`);
  return `${describeLocated(miss.command)}${why.length > 0 ? `  (${why.join(', ')})` : ''}`;
}
