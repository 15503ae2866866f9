import type { CommandContext, CommandSpec } from './command';
import type { CommandLine } from './command-line';
import { commandTable } from './command-table';
import { stlsRefusal } from './commands/stls';
import { err, type Reply } from './reply';
import { echoedText, isPrintableAscii } from './reply-text';

// RFC 1939 §3: commands are printable ASCII. In UTF-8 mode credentials may be UTF-8 (RFC 6856 §2.2).
const NOT_TEXT = /[\x00-\x1f\x7f]/;
const CREDENTIAL_VERBS = new Set(['USER', 'PASS', 'APOP']);

/** Whether a line may run, and if not, the refusal (a bad command for the session's count). */
export type CommandCheck =
  | { readonly kind: 'run'; readonly spec: CommandSpec }
  | { readonly kind: 'refused'; readonly reply: Reply };

const refused = (text: string): CommandCheck => ({ kind: 'refused', reply: err(text) });

/** The checks before a command runs: its characters, whether it is offered, and its state. */
export function checkCommand(ctx: CommandContext, line: CommandLine): CommandCheck {
  const { verb, raw } = line;
  const allowed = ctx.utf8Mode && CREDENTIAL_VERBS.has(verb) ? !NOT_TEXT.test(raw) : isPrintableAscii(raw);
  if (line.malformedUtf8 || !allowed) return refused(ctx.texts.badCharacters);
  const run = RUN.get(verb);
  if (!run || !ctx.offers(verb)) {
    if (line.keyword === '' && ctx.texts.emptyCommand) return refused(ctx.texts.emptyCommand(ctx.state));
    return refused(ctx.texts.unknownCommand(echoedText(line.keyword), ctx.state));
  }
  const states = ctx.dialect.commandStates?.[verb] ?? run.spec.states;
  if (!states.includes(ctx.state)) return refused(ctx.texts.wrongState(verb, ctx.state));
  return run;
}

/**
 * Whether this line, run now, would start a TLS handshake: STLS that passes
 * every check above and its own (RFC 2595 §4). A handshake fault stands for
 * that `+OK`, so it fires only here.
 */
export function startsTls(ctx: CommandContext, line: CommandLine): boolean {
  return (
    line.verb === 'STLS' &&
    checkCommand(ctx, line).kind === 'run' &&
    stlsRefusal(ctx, line.args) === undefined
  );
}

// One verdict object per command, made once: nothing is allocated for a command that runs.
// A Map: the verb is one kept string per verb (its hash kept with it), where a
// computed property name is looked up in V8's string table first.
const RUN: ReadonlyMap<string, { readonly kind: 'run'; readonly spec: CommandSpec }> = new Map(
  Object.entries(commandTable).map(([verb, spec]) => [verb, { kind: 'run', spec }]),
);
