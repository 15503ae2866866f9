import type { CommandContext } from './command';
import { err, type Reply } from './reply';

/** The `-ERR` for a wrong number of arguments, or `undefined` when the count is right. */
export function checkArity(
  ctx: CommandContext,
  verb: string,
  args: readonly string[],
  min: number,
  max: number,
): Reply | undefined {
  if (args.length < min) return err(ctx.texts.missingArgument(verb));
  if (args.length > max && !(max === 0 && ctx.dialect.ignoreExtraArguments)) {
    return err(ctx.texts.tooManyArguments(verb, args.slice(max)));
  }
  return undefined;
}
