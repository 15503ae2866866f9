import { SessionRecord } from '../../../src/transcript/session-record';
import type { EndReason, Pop3Event, SessionState, TlsMode } from '../../../src/vocabulary';

/**
 * Builds a SessionRecord from events written by hand, the way the session
 * emits them (the command line split as `Session.handle` does), so unit
 * tests can check rendering and reports without a socket.
 */
export class SyntheticSession {
  readonly record: SessionRecord;
  at: number;
  state: SessionState = 'AUTHORIZATION';

  constructor(
    readonly id = 1,
    start = Date.UTC(2026, 0, 2, 3, 4, 5),
    port = 50_000 + id,
    tls: TlsMode = 'none',
  ) {
    this.at = start;
    this.record = new SessionRecord(id, '127.0.0.1', port, tls, start);
    this.emit({ type: 'session-start', remoteAddress: '127.0.0.1', remotePort: port, tls });
  }

  /** Applies an event of this session, `at` advancing 1 ms each time. */
  emit(event: DistributiveOmit<Pop3Event, 'sessionId' | 'at'>): this {
    this.record.apply({ ...event, sessionId: this.id, at: this.at++ } as Pop3Event);
    return this;
  }

  command(raw: string): this {
    const space = raw.indexOf(' ');
    const keyword = space === -1 ? raw : raw.slice(0, space);
    const rest = space === -1 ? '' : raw.slice(space + 1);
    const args = rest.split(' ').filter((a) => a !== '');
    return this.emit({ type: 'command', verb: keyword.toUpperCase(), args, raw, state: this.state });
  }

  /** A single-line reply; with `data`, a multi-line one carrying that many data octets. */
  reply(line: string, data?: number): this {
    const status = line.startsWith('-ERR') ? '-ERR' : line.startsWith('+OK') ? '+OK' : '+';
    const bytes = Buffer.byteLength(line) + 2 + (data === undefined ? 0 : data + 3);
    return this.emit({ type: 'reply', status, line, bytes });
  }

  login(user: string, mechanism = 'USER'): this {
    this.emit({ type: 'auth', user, mechanism, result: 'ok' });
    this.emit({ type: 'state', from: 'AUTHORIZATION', to: 'TRANSACTION' });
    this.state = 'TRANSACTION';
    return this;
  }

  end(reason: EndReason): this {
    return this.emit({ type: 'session-end', reason });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** alice logs in with USER/PASS, reads message 1, deletes it, QUITs. */
export function aliceSession(id = 1, start?: number, port?: number): SyntheticSession {
  return new SyntheticSession(id, start, port)
    .reply('+OK pop3-mock ready')
    .command('USER alice')
    .reply('+OK send PASS for alice')
    .command('PASS hunter2 with spaces')
    .login('alice')
    .reply('+OK maildrop has 2 messages (320 octets)')
    .command('RETR 1')
    .emit({ type: 'retrieve', number: 1, uid: 'uid-1' })
    .reply('+OK 120 octets', 122)
    .command('DELE 1')
    .reply('+OK message 1 deleted')
    .command('QUIT')
    .emit({ type: 'state', from: 'TRANSACTION', to: 'UPDATE' })
    .emit({ type: 'update', deleted: [{ number: 1, uid: 'uid-1' }] })
    .reply('+OK pop3-mock signing off (1 deleted, 1 message left)')
    .end('quit-update');
}
