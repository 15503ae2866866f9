import type { Mailbox } from '../../mailbox/mailbox';
import type { CommandContext } from '../command';
import { type CommandResult, stepped } from '../outcome';
import { err, ok } from '../reply';

/** One login attempt: USER/PASS, APOP or a SASL mechanism. */
export interface LoginAttempt {
  readonly user: string;
  readonly mechanism: string;
  /** Checks the credentials against the user's mailbox. */
  readonly verify: (mailbox: Mailbox) => boolean;
}

/**
 * A login refused. Not a closure in {@link login}: the build keeps function
 * names (tsup `keepNames`), so every closure made per call is named by a
 * call of its own, a cost the pipelined session's profile showed.
 */
function refusal(user: string, mechanism: string, result: 'failed' | 'in-use', text: string): CommandResult {
  return stepped(err(text), { kind: 'login-refused', user, mechanism, result });
}

/**
 * The one path for every login: credentials, LOGIN-DELAY (RFC 2449 §6.8),
 * the maildrop lock and the snapshot the session will work on.
 */
export function login(ctx: CommandContext, { user, mechanism, verify }: LoginAttempt): CommandResult {
  const mailbox = ctx.mailboxOf(user);
  if (!mailbox || !verify(mailbox)) return refusal(user, mechanism, 'failed', ctx.texts.authFailed);
  const at = ctx.now();
  const delay = ctx.settings.loginDelay;
  const enforced = delay !== undefined && ctx.dialect.enforceLoginDelay;
  if (enforced && mailbox.lastLoginAt !== undefined && at - mailbox.lastLoginAt < delay * 1000) {
    return refusal(user, mechanism, 'failed', ctx.texts.loginDelay);
  }
  const locked = ctx.lockMode === 'exclusive';
  if (locked && !mailbox.tryLock(ctx.sessionId))
    return refusal(user, mechanism, 'in-use', ctx.texts.mailboxInUse);
  mailbox.lastLoginAt = at;
  const snapshot = mailbox.snapshot();
  const octets = snapshot.reduce((sum, message) => sum + message.size, 0);
  const via = mechanism === 'USER' ? 'PASS' : mechanism === 'APOP' ? 'APOP' : 'AUTH';
  return stepped(ok(ctx.texts.loggedIn(snapshot.length, octets, via)), {
    kind: 'login',
    user,
    mechanism,
    mailbox,
    snapshot,
    locked,
  });
}
