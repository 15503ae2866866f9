import { mechanismNeeds } from '../../capabilities/sasl-names';
import type { CommandSpec } from '../command';
import { err, lines } from '../reply';
import { echoedText } from '../reply-text';
import { decodeBase64 } from '../sasl/base64';
import { isMechanismName, saslMechanisms } from '../sasl/mechanisms';
import { saslResult } from '../steps/sasl';

/**
 * AUTH mechanism [initial-response] (RFC 5034 §4). A challenge hands the
 * exchange to the session, which routes the client's next lines to
 * `continueSasl` (steps/sasl.ts).
 */
export const auth: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args, rest) {
    if (args.length === 0) {
      return ctx.dialect.authListsMechanisms
        ? lines(ctx.texts.authMechanismList, ctx.mechanisms())
        : err(ctx.texts.missingArgument('AUTH'));
    }
    const restOfLine = ctx.dialect.authTakesRestOfLine;
    if (args.length > 2 && !restOfLine) return err(ctx.texts.tooManyArguments('AUTH', args.slice(2)));
    const name = args[0]!.toUpperCase();
    if (!isMechanismName(name) || !ctx.mechanisms().includes(name)) {
      if (isMechanismName(name) && mechanismNeeds[name].plaintext && !ctx.plaintextAllowed) {
        return err(ctx.texts.plaintextDisallowed);
      }
      return err(ctx.texts.unknownMechanism(echoedText(name)));
    }
    let initial: Buffer | undefined;
    if (args.length >= 2) {
      // Dovecot hands SASL everything after the mechanism: words past the first make bad base64.
      initial = decodeBase64(restOfLine ? rest.slice(rest.indexOf(' ') + 1).trim() : args[1]!);
      if (initial === undefined) return err(ctx.texts.authBadInitialBase64);
    }
    const exchange = saslMechanisms[name].create(ctx.saslEnvironment());
    return saslResult(ctx, { mechanism: name, exchange }, exchange.start(initial));
  },
};
