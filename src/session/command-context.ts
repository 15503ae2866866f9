import { capabilityLines, offersVerb, usableMechanisms } from '../capabilities/capability-lines';
import type { SaslMechanismName } from '../capabilities/sasl-names';
import type { CapabilityView } from '../capabilities/settings';
import type { Mailbox } from '../mailbox/mailbox';
import type { Maildrop } from '../mailbox/maildrop';
import type { CommandContext } from '../protocol/command';
import type { SaslEnvironment } from '../protocol/sasl/mechanism';
import type { SessionState } from '../vocabulary';
import type { SessionHost } from './session-host';

/**
 * What a command may read of its session (`CommandContext`): the session's
 * state, and the server's settings as they apply to it now. The session
 * extends it; commands see only this and return what should happen next.
 */
export abstract class SessionContext implements CommandContext {
  state: SessionState = 'AUTHORIZATION';
  pendingUser: string | undefined;
  maildrop: Maildrop | undefined;
  user: string | undefined;
  utf8Mode = false;
  tlsActive: boolean;

  constructor(
    readonly id: number,
    readonly host: SessionHost,
    tlsActive: boolean,
  ) {
    this.tlsActive = tlsActive;
  }

  abstract readonly greetingTimestamp: string | undefined;

  get sessionId(): number {
    return this.id;
  }

  get settings() {
    return this.host.capabilities;
  }

  get lockMode() {
    return this.host.lockMode;
  }

  /**
   * The clock's reading for the command being handled, while it runs
   * without waiting: what it causes in that turn (its reply, a state change,
   * a login) shares the reading. `Date.now()` costs a tenth of a microsecond
   * here, and a session read it some thirty times.
   */
  protected turnAt: number | undefined;

  now(): number {
    return this.turnAt ?? this.host.clock.now();
  }

  get texts() {
    return this.host.dialect.texts;
  }

  get dialect() {
    return this.host.dialect;
  }

  get tlsAvailable(): boolean {
    return this.host.tls !== undefined;
  }

  get plaintextAllowed(): boolean {
    return !this.host.requireTls || this.tlsActive;
  }

  capabilities(): string[] {
    const build = this.host.dialect.capabilityLines ?? capabilityLines;
    return build(this.host.capabilities, this.capabilityView());
  }

  mechanisms(): SaslMechanismName[] {
    return usableMechanisms(this.host.capabilities, this.capabilityView());
  }

  saslEnvironment(): SaslEnvironment {
    return {
      password: (user) => this.mailboxOf(user)?.password,
      acceptsToken: (user, token) => this.mailboxOf(user)?.acceptsToken(token) ?? false,
      hostname: this.host.hostname,
      ports: this.host.ports(),
    };
  }

  offers(verb: string): boolean {
    return offersVerb(this.host.capabilities, verb);
  }

  mailboxOf(loginName: string): Mailbox | undefined {
    return this.host.mailbox(this.host.dialect.mailboxName(loginName));
  }

  protected capabilityView(): CapabilityView {
    return {
      state: this.state,
      tlsActive: this.tlsActive,
      plaintextAllowed: this.plaintextAllowed,
      omitAuthAfterLogin: this.host.dialect.omitAuthAfterLogin,
    };
  }
}
