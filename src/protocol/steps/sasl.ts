import type { CommandContext } from '../command';
import { type CommandResult, type PendingSasl, stepped } from '../outcome';
import { err } from '../reply';
import { BASE64_CHARACTERS, decodeBase64 } from '../sasl/base64';
import type { SaslStep } from '../sasl/mechanism';
import { login } from './login';

/** What one SASL step leads to: a `+ ` challenge (and the exchange goes on), or the login's outcome. */
export function saslResult(ctx: CommandContext, pending: PendingSasl, step: SaslStep): CommandResult {
  const { mechanism } = pending;
  switch (step.kind) {
    case 'challenge':
      return stepped({ kind: 'continue', base64: step.data.toString('base64') }, { kind: 'sasl', pending });
    case 'success':
      return login(ctx, { user: step.user, mechanism, verify: () => true });
    case 'failure':
      if (step.reason === 'malformed') return err(ctx.texts.authMalformed);
      return login(ctx, { user: step.user ?? '', mechanism, verify: () => false });
  }
}

/** A client line inside an AUTH exchange (RFC 5034 §4): base64, or `*` to cancel. */
export function continueSasl(ctx: CommandContext, pending: PendingSasl, line: string): CommandResult {
  if (line === '*') return err(ctx.texts.authCancelled);
  const decoded = decodeBase64(line);
  if (decoded === undefined) {
    const padding = BASE64_CHARACTERS.test(line) ? ctx.texts.authBadBase64Padding : undefined;
    return err(padding ?? ctx.texts.authBadBase64);
  }
  return saslResult(ctx, pending, pending.exchange.next(decoded));
}
