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
 * The one path for every login: credentials, LOGIN-DELAY (RFC 2449 §6.8),
 * the maildrop lock and the snapshot the session will work on.
 */
export function login(ctx: CommandContext, { user, mechanism, verify }: LoginAttempt): CommandResult {
  const refused = (result: 'failed' | 'in-use', text: string) =>
    stepped(err(text), { kind: 'login-refused', user, mechanism, result });
  const mailbox = ctx.mailboxOf(user);
  if (!mailbox || !verify(mailbox)) return refused('failed', ctx.texts.authFailed);
  const at = ctx.now();
  const delay = ctx.settings.loginDelay;
  const enforced = delay !== undefined && ctx.dialect.enforceLoginDelay;
  if (enforced && mailbox.lastLoginAt !== undefined && at - mailbox.lastLoginAt < delay * 1000) {
    return refused('failed', ctx.texts.loginDelay);
  }
  const locked = ctx.lockMode === 'exclusive';
  if (locked && !mailbox.tryLock(ctx.sessionId)) return refused('in-use', ctx.texts.mailboxInUse);
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
