import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { err, lines, ok } from '../reply';
import { echoedText } from '../reply-text';

/** The languages the mock speaks: reply texts are English only. */
const LANGUAGES: readonly { tag: string; description: string }[] = [{ tag: 'en', description: 'English' }];

/** LANG [range] (RFC 6856 §3): lists languages, or picks one (`*` picks the default). */
export const lang: CommandSpec = {
  states: ['AUTHORIZATION', 'TRANSACTION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'LANG', args, 0, 1);
    if (bad) return bad;
    if (args.length === 0)
      return lines(
        ctx.texts.langHeader,
        LANGUAGES.map((l) => `${l.tag} ${l.description}`),
      );
    const range = args[0]!.toLowerCase();
    const chosen =
      range === '*' ? LANGUAGES[0] : LANGUAGES.find((l) => range === l.tag || range.startsWith(`${l.tag}-`));
    if (!chosen) return err(ctx.texts.langUnknown(echoedText(args[0]!)));
    return ok(ctx.texts.langChosen(chosen.tag, chosen.description));
  },
};
