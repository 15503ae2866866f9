import type { SessionState } from '../session/state';
import type { EndReason, Pop3Event, TlsMode } from './events';
import { redactCommand } from './redact';

/** A command as recorded: when it arrived, in which state. */
export interface RecordedCommand {
  readonly verb: string;
  readonly args: readonly string[];
  readonly raw: string;
  readonly state: SessionState;
  readonly at: number;
}

/**
 * Everything one session did, built from its events. Read it after the
 * session, or while it runs.
 */
export class SessionRecord {
  readonly events: Pop3Event[] = [];
  user: string | undefined;
  tls: TlsMode;
  state: SessionState = 'AUTHORIZATION';
  readonly startedAt: Date;
  endedAt: Date | undefined;
  endReason: EndReason | undefined;
  /** Messages RETRieved (number and uid in that session). */
  readonly retrieved: { number: number; uid: string }[] = [];
  /** Messages removed at UPDATE. */
  deleted: readonly { number: number; uid: string }[] = [];

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    tls: TlsMode,
    at: number,
  ) {
    this.tls = tls;
    this.startedAt = new Date(at);
  }

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Commands received, as `'RETR 1'`; PASS, APOP and AUTH secrets masked. */
  commands(): string[] {
    return this.commandEvents().map((c) => redactCommand(c.verb, c.args));
  }

  /** Commands received, with their real arguments and the state they arrived in. */
  commandEvents(): RecordedCommand[] {
    const out: RecordedCommand[] = [];
    for (const e of this.events) {
      if (e.type === 'command')
        out.push({ verb: e.verb, args: e.args, raw: e.raw, state: e.state, at: e.at });
    }
    return out;
  }

  /** Applies one event of this session. */
  apply(event: Pop3Event): void {
    this.events.push(event);
    switch (event.type) {
      case 'auth':
        if (event.result === 'ok') this.user = event.user;
        break;
      case 'state':
        this.state = event.to;
        break;
      case 'tls':
        this.tls = event.mode;
        break;
      case 'update':
        this.deleted = event.deleted;
        break;
      case 'session-end':
        this.endReason = event.reason;
        this.endedAt = new Date(event.at);
        break;
      case 'retrieve':
        this.retrieved.push({ number: event.number, uid: event.uid });
        break;
      default:
        break;
    }
  }
}
