import { checkArity } from '../arguments';
import type { CommandContext, CommandSpec } from '../command';
import { stepped } from '../outcome';
import { err, ok, type Reply } from '../reply';

/**
 * STLS (RFC 2595 §4): only in AUTHORIZATION, only once. The handshake starts
 * right after the `+OK`; the session drops anything the client pipelined
 * after STLS in plaintext.
 */
export const stls: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args) {
    return stlsRefusal(ctx, args) ?? stepped(ok(ctx.texts.stlsBegin), { kind: 'start-tls' });
  },
};

/** STLS's own `-ERR` once the command may run: an argument, TLS already on, or no TLS on this server. */
export function stlsRefusal(ctx: CommandContext, args: readonly string[]): Reply | undefined {
  const bad = checkArity(ctx, 'STLS', args, 0, 0);
  if (bad) return bad;
  if (ctx.tlsActive) return err(ctx.texts.tlsAlreadyActive);
  if (!ctx.tlsAvailable) return err(ctx.texts.unknownCommand('STLS', ctx.state));
  return undefined;
}
