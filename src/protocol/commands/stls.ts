import { checkArity } from '../arguments';
import type { CommandSpec } from '../command';
import { stepped } from '../outcome';
import { err, ok } from '../reply';

/**
 * STLS (RFC 2595 §4): only in AUTHORIZATION, only once. The handshake starts
 * right after the `+OK`; the session drops anything the client pipelined
 * after STLS in plaintext.
 */
export const stls: CommandSpec = {
  states: ['AUTHORIZATION'],
  run(ctx, args) {
    const bad = checkArity(ctx, 'STLS', args, 0, 0);
    if (bad) return bad;
    if (ctx.tlsActive) return err(ctx.texts.tlsAlreadyActive);
    if (!ctx.tlsAvailable) return err(ctx.texts.unknownCommand('STLS', ctx.state));
    return stepped(ok(ctx.texts.stlsBegin), { kind: 'start-tls' });
  },
};
