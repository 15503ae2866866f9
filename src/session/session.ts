import type { TimerHandle } from '../clock';
import type { Mailbox } from '../mailbox/mailbox';
import { Maildrop } from '../mailbox/maildrop';
import { capabilityLines, offersVerb } from '../protocol/capabilities';
import type { CommandContext } from '../protocol/command';
import { commandTable } from '../protocol/command-table';
import { err, firstLine, ok, type Reply } from '../protocol/reply';
import type { EndReason, TlsMode } from '../transcript/events';
import type { Connection } from './connection';
import { type InputLine, LineReader } from './line-reader';
import { ReplyWriter } from './reply-writer';
import type { SessionHost } from './session-host';
import type { SessionState } from './state';

/** Queued lines above which the socket is paused (pipelining with input backpressure). */
const PAUSE_AT = 64;
const CONTROL_CHARS = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * One client connection: the POP3 state machine of RFC 1939. Lines arrive
 * from the line reader, run one at a time through the command table, and
 * their replies leave through the reply writer, so pipelined commands are
 * answered in order. Nothing thrown in here reaches the host process.
 */
export class Session implements CommandContext {
  state: SessionState = 'AUTHORIZATION';
  pendingUser: string | undefined;
  maildrop: Maildrop | undefined;
  user: string | undefined;

  private readonly reader: LineReader;
  private readonly writer: ReplyWriter;
  private readonly queue: InputLine[] = [];
  private pumping = false;
  private closing = false;
  private endReason: EndReason | undefined;
  private badCommands = 0;
  private idleTimer: TimerHandle | undefined;
  private lockedMailbox: Mailbox | undefined;

  constructor(
    readonly id: number,
    private readonly host: SessionHost,
    private readonly connection: Connection,
    readonly tls: TlsMode,
  ) {
    this.reader = new LineReader((line) => this.enqueue(line), host.dialect.maxLineLength);
    this.writer = new ReplyWriter(connection);
  }

  get texts() {
    return this.host.dialect.texts;
  }

  /** Sends the greeting and starts reading commands. */
  async start(): Promise<void> {
    this.host.emit({
      type: 'session-start',
      sessionId: this.id,
      at: this.host.clock.now(),
      remoteAddress: this.connection.remoteAddress ?? '',
      remotePort: this.connection.remotePort ?? 0,
      tls: this.tls,
    });
    this.touch();
    await this.send(ok(this.texts.greeting));
    this.connection.read((chunk) => this.reader.feed(chunk));
  }

  /** Called by the server when the socket is gone, however that happened. */
  onClosed(byServer: boolean): void {
    this.idleTimer?.cancel();
    this.queue.length = 0;
    if (this.lockedMailbox) this.lockedMailbox.unlock(this.id);
    const reason = this.endReason ?? (byServer ? 'server-closed' : 'client-closed');
    this.host.emit({ type: 'session-end', sessionId: this.id, at: this.host.clock.now(), reason });
  }

  // CommandContext

  capabilities(): string[] {
    return capabilityLines(this.host.capabilities, this.state);
  }

  offers(verb: string): boolean {
    return offersVerb(this.host.capabilities, verb);
  }

  login(user: string, mechanism: string, verify: (mailbox: Mailbox) => boolean): Reply {
    const mailbox = this.host.mailbox(user);
    const at = this.host.clock.now();
    if (!mailbox || !verify(mailbox)) {
      this.host.emit({ type: 'auth', sessionId: this.id, at, user, mechanism, result: 'failed' });
      return err(this.texts.authFailed);
    }
    if (this.host.lockMode === 'exclusive') {
      if (!mailbox.tryLock(this.id)) {
        this.host.emit({ type: 'auth', sessionId: this.id, at, user, mechanism, result: 'in-use' });
        return err(this.texts.mailboxInUse);
      }
      this.lockedMailbox = mailbox;
    }
    this.user = user;
    this.maildrop = new Maildrop(mailbox, mailbox.snapshot(), (number, uid) =>
      this.host.emit({ type: 'retrieve', sessionId: this.id, at: this.host.clock.now(), number, uid }),
    );
    this.host.emit({ type: 'auth', sessionId: this.id, at, user, mechanism, result: 'ok' });
    this.setState('TRANSACTION');
    const { count, octets } = this.maildrop.stat();
    return ok(this.texts.loggedIn(count, octets));
  }

  quit(): Reply {
    this.closing = true;
    if (this.state !== 'TRANSACTION' || !this.maildrop) {
      this.endReason = 'quit-authorization';
      return ok(this.texts.quitAuthorization);
    }
    this.setState('UPDATE');
    const numbers = this.maildrop.deletedNumbers();
    const gone = this.maildrop.commit(this.id);
    this.host.emit({
      type: 'update',
      sessionId: this.id,
      at: this.host.clock.now(),
      deleted: gone.map((m, i) => ({ number: numbers[i]!, uid: m.uid })),
    });
    this.releaseLock();
    this.endReason = 'quit-update';
    return ok(this.texts.quitUpdate(gone.length, this.maildrop.mailbox.snapshot().length));
  }

  /** Ends the session from the server side (shutdown): no UPDATE. */
  destroy(): void {
    this.closing = true;
    this.connection.destroy();
  }

  // The line loop

  private enqueue(line: InputLine): void {
    if (this.closing) return;
    this.queue.push(line);
    if (this.queue.length >= PAUSE_AT) this.connection.pause();
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closing && !this.connection.closed) {
        const line = this.queue.shift()!;
        if (this.queue.length === PAUSE_AT / 4) this.connection.resume();
        this.touch();
        await this.handle(line);
      }
    } catch {
      // A bug in a handler must not take down the host: answer and end the session.
      await this.send(err(this.texts.internalError)).catch(() => {});
      this.connection.destroy();
    } finally {
      this.pumping = false;
    }
    this.connection.resume();
  }

  private async handle(input: InputLine): Promise<void> {
    if (input.kind === 'too-long') {
      await this.send(err(this.texts.lineTooLong));
      if (this.host.dialect.closeOnLongLine) return this.endByServer('server-closed');
      return this.countBad();
    }
    const raw = input.bytes.toString('utf8');
    const space = raw.indexOf(' ');
    const keyword = space === -1 ? raw : raw.slice(0, space);
    const rest = space === -1 ? '' : raw.slice(space + 1);
    const verb = keyword.toUpperCase();
    const args = rest.split(' ').filter((a) => a !== '');
    this.host.emit({
      type: 'command',
      sessionId: this.id,
      at: this.host.clock.now(),
      verb,
      args,
      raw,
      state: this.state,
    });

    const spec = Object.hasOwn(commandTable, verb) ? commandTable[verb] : undefined;
    if (CONTROL_CHARS.test(raw)) return this.refuse(err(this.texts.badCharacters));
    if (!spec || !this.offers(verb)) return this.refuse(err(this.texts.unknownCommand(printable(keyword))));
    if (!spec.states.includes(this.state)) return this.refuse(err(this.texts.wrongState(verb, this.state)));

    const reply = await spec.run(this, args, rest);
    await this.send(reply);
    if (reply.kind !== 'status' || reply.ok) this.badCommands = 0;
    if (this.closing) await this.connection.end();
  }

  private async refuse(reply: Reply): Promise<void> {
    await this.send(reply);
    await this.countBad();
  }

  private async countBad(): Promise<void> {
    this.badCommands++;
    const max = this.host.dialect.maxBadCommands;
    if (max !== undefined && this.badCommands >= max) {
      await this.send(err(this.texts.tooManyBadCommands));
      await this.endByServer('server-closed');
    }
  }

  private async endByServer(reason: EndReason): Promise<void> {
    this.closing = true;
    this.endReason = reason;
    await this.connection.end();
  }

  private async send(reply: Reply): Promise<void> {
    const bytes = await this.writer.send(reply);
    const line = firstLine(reply);
    const status = reply.kind === 'continue' ? '+' : reply.kind === 'status' && !reply.ok ? '-ERR' : '+OK';
    this.host.emit({ type: 'reply', sessionId: this.id, at: this.host.clock.now(), status, line, bytes });
  }

  private setState(to: SessionState): void {
    const from = this.state;
    this.state = to;
    this.host.emit({ type: 'state', sessionId: this.id, at: this.host.clock.now(), from, to });
  }

  private releaseLock(): void {
    this.lockedMailbox?.unlock(this.id);
    this.lockedMailbox = undefined;
  }

  /** Restarts the autologout timer (RFC 1939 §3: any command resets it). */
  private touch(): void {
    this.idleTimer?.cancel();
    this.idleTimer = this.host.clock.setTimeout(() => void this.autologout(), this.host.autologoutMs);
  }

  private async autologout(): Promise<void> {
    if (this.closing || this.connection.closed) return;
    this.closing = true;
    this.endReason = 'autologout';
    const text = this.texts.autologout;
    if (text !== undefined) await this.send(err(text)).catch(() => {});
    await this.connection.end();
  }
}

/** Client text echoed in a reply: printable ASCII only, and short (replies stay under 512 octets). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}
