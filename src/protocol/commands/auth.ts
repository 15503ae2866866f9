import type { CommandContext, CommandSpec } from '../command';
import { err, lines, type Reply } from '../reply';
import { echoedText } from '../reply-text';
import { decodeBase64 } from '../sasl/base64';
import type { SaslStep } from '../sasl/mechanism';
import { isMechanismName, type SaslMechanismName, saslMechanisms } from '../sasl/mechanisms';

/**
 * AUTH mechanism [initial-response] (RFC 5034 §4). The exchange continues
 * line by line in the session; each step comes back here through
 * {@link stepReply}.
 */
export const auth: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args) {
    if (args.length === 0) {
      return ctx.dialect.authListsMechanisms
        ? lines(ctx.texts.authMechanismList, ctx.mechanisms())
        : err(ctx.texts.missingArgument('AUTH'));
    }
    if (args.length > 2) return err(ctx.texts.tooManyArguments('AUTH', args.slice(2)));
    const name = args[0]!.toUpperCase();
    if (!isMechanismName(name) || !ctx.mechanisms().includes(name)) {
      if (isMechanismName(name) && saslMechanisms[name].plaintext && !ctx.plaintextAllowed) {
        return err(ctx.texts.plaintextDisallowed);
      }
      return err(ctx.texts.unknownMechanism(echoedText(name)));
    }
    let initial: Buffer | undefined;
    if (args.length === 2) {
      initial = decodeBase64(args[1]!);
      if (initial === undefined) return err(ctx.texts.authMalformed);
    }
    const exchange = saslMechanisms[name].create(ctx.saslEnvironment());
    const step = exchange.start(initial);
    if (step.kind === 'challenge') ctx.continueSasl(name, exchange);
    return stepReply(ctx, name, step);
  },
};

/** The reply for one SASL step: a `+ ` challenge, or the login's outcome. */
export function stepReply(ctx: CommandContext, mechanism: SaslMechanismName, step: SaslStep): Reply {
  switch (step.kind) {
    case 'challenge':
      return { kind: 'continue', base64: step.data.toString('base64') };
    case 'success':
      return ctx.login(step.user, mechanism, () => true);
    case 'failure':
      if (step.reason === 'malformed') return err(ctx.texts.authMalformed);
      return ctx.login(step.user ?? '', mechanism, () => false);
  }
}
