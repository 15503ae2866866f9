import type { Clock } from '../clock';
import type { FaultHook, ReplyShape } from '../faults/hook';
import { FaultRunner, type FaultTarget } from '../faults/runner';
import type { Mailbox } from '../mailbox/mailbox';
import { Maildrop, type RetrievalWatcher } from '../mailbox/maildrop';
import { andThen, type Pending } from '../pending';
import { checkCommand, startsTls } from '../protocol/command-check';
import { type CommandLine, parseCommandLine } from '../protocol/command-line';
import { apopTimestamp, greetingReply } from '../protocol/greeting';
import { type CommandResult, type NextStep, nextOf, type PendingSasl, replyOf } from '../protocol/outcome';
import { err, firstLine, type Reply, statusOf } from '../protocol/reply';
import { safeText } from '../protocol/reply-text';
import { continueSasl } from '../protocol/steps/sasl';
import type { EndReason, PlaintextDroppedCause, Pop3Event, SessionState, TlsMode } from '../vocabulary';
import { SessionContext } from './command-context';
import type { Connection, ConnectionReader, TlsUpgrade } from './connection';
import { droppedLines } from './dropped-lines';
import { IdleTimer, type IdleWatcher } from './idle-timer';
import { internalErrorEvent } from './internal-error';
import { type InputLine, LineReader, type LineTaker } from './line-reader';
import { reportReply } from './reply-event';
import { ReplyWriter, type Sent } from './reply-writer';
import type { SessionHost } from './session-host';
import { HANDSHAKE_RECORD, handshakeFailureCause, serverAborted } from './tls-failure';

/** A reply sent as the RFC asks: no fault reshapes it. */
const NO_SHAPE: ReplyShape = {};

/**
 * Whose a command line is before login, for a fault rule's `user`: USER and
 * APOP name theirs, AUTH names it only in the lines after it. The name an
 * earlier USER gave (kept until PASS by some dialects) is none of theirs.
 */
function userBeforeLogin(line: CommandLine, pendingUser: string | undefined): string | undefined {
  if (line.verb === 'USER' || line.verb === 'APOP') return line.args[0];
  return line.verb === 'AUTH' ? undefined : pendingUser;
}

/** Queued lines above which the socket is paused (pipelining with input backpressure). */
const PAUSE_AT = 64;

/**
 * One client connection: the POP3 state machine of RFC 1939. Lines arrive
 * from the line reader, run one at a time through the command table, and
 * their replies leave through the reply writer, so pipelined commands are
 * answered in order. Nothing thrown in here reaches the host process.
 */
export class Session
  extends SessionContext
  implements FaultTarget, ConnectionReader, LineTaker, IdleWatcher, RetrievalWatcher
{
  readonly greetingTimestamp: string | undefined;

  private readonly reader: LineReader;
  private readonly writer: ReplyWriter;
  private readonly queue: InputLine[] = [];
  private pumping = false;
  private closing = false;
  /** Set while a TLS handshake runs: a close then is the handshake's failure. */
  private handshaking: 'implicit' | 'stls' | undefined;
  private endReason: EndReason | undefined;
  /** Set once the `session-end` event went out (at QUIT, or at the close). */
  private endRecorded = false;
  private badCommands = 0;
  private readonly idle: IdleTimer;
  private lockedMailbox: Mailbox | undefined;
  private sasl: PendingSasl | undefined;
  private readonly faults: FaultHook;
  private inputEnded = false;

  constructor(
    id: number,
    host: SessionHost,
    readonly connection: Connection,
    readonly tls: TlsMode,
  ) {
    super(id, host, tls !== 'none');
    // The session itself is the target of its line reader, fault runner, timer,
    // connection and maildrop: no closures per session (a server may hold thousands).
    this.reader = new LineReader(this, host.dialect.maxLineLength.AUTHORIZATION);
    this.faults = new FaultRunner(host.faults, this);
    this.idle = new IdleTimer(host.clock, host.autologoutMs, this);
    this.writer = new ReplyWriter(this.faults);
    this.greetingTimestamp = host.apop
      ? apopTimestamp(host.clock.now(), host.hostname, host.dialect.apopTimestamp)
      : undefined;
  }

  // What a fault may use of its session (FaultTarget).

  get clock(): Clock {
    return this.host.clock;
  }

  get stlsBegin(): string {
    return this.host.dialect.texts.stlsBegin;
  }

  emit(event: Pop3Event): void {
    this.host.emit(event);
  }

  /**
   * After the handshake-failure fault's `+OK` (FaultTarget): the session stands as while STLS's
   * handshake waits for its first byte, so a close then (the client's, the autologout's) is
   * recorded as it is there: `no-handshake` or `server-ended` (onClosed).
   */
  async awaitHandshakeStart(released: Promise<void>): Promise<void> {
    this.handshaking = 'stls';
    try {
      await this.connection.awaitHandshakeStart(released);
    } finally {
      this.handshaking = undefined;
    }
  }

  /** A fault is closing the connection: the session ends, no more commands run. */
  endingByFault(): void {
    this.closing = true;
    this.endReason = 'fault';
  }

  /**
   * Sends the greeting and starts reading commands. Never rejects: a failure
   * is an internal error. A promise only when something made the greeting
   * wait (a handshake, a fault): most sessions greet at once.
   */
  start(): Pending {
    try {
      const begun = this.begin();
      return begun instanceof Promise ? begun.catch((error) => this.endWithInternalError(error)) : undefined;
    } catch (error) {
      return this.endWithInternalError(error);
    }
  }

  private begin(): Pending {
    const at = this.now();
    this.host.emit({
      type: 'session-start',
      sessionId: this.id,
      at,
      remoteAddress: this.connection.remoteAddress ?? '',
      remotePort: this.connection.remotePort ?? 0,
      tls: this.tls,
    });
    this.idle.touch(at);
    this.connection.whenPeerEnds(this);
    return this.tls === 'implicit' ? this.handshakeThenGreet() : this.greet();
  }

  /** RFC 8314 §3.1: on the POP3S port the handshake comes first, the greeting after it. */
  private async handshakeThenGreet(): Promise<void> {
    const upgrade = await this.handshake('implicit');
    if (!upgrade.secured) return;
    this.host.emit({
      type: 'tls',
      sessionId: this.id,
      at: this.now(),
      mode: 'implicit',
      certificate: this.host.certificate,
    });
    await this.greet();
  }

  private greet(): Pending {
    const info = { remoteAddress: this.connection.remoteAddress ?? '', sessionId: this.id };
    const greeting = greetingReply(this.texts, info, this.greetingTimestamp);
    const sent = this.faults.greeting((shape) => this.send(greeting, shape));
    if (!(sent instanceof Promise)) return this.readCommands();
    // A fault holds the greeting: as for a command's reply, a close now records the end after it (onClosed).
    this.pumping = true;
    return sent
      .finally(() => {
        this.pumping = false;
        this.recordEndIfClosed();
      })
      .then(() => this.readCommandsAfterHold());
  }

  /** After a greeting a fault held: the autologout period starts again once it went out. */
  private readCommandsAfterHold(): void {
    this.restartIdlePeriod();
    this.readCommands();
  }

  /** A reply went out only now (a fault held it, or a large one was taken): the period starts again, unless the session is ending. */
  private restartIdlePeriod(at?: number): void {
    if (!this.closing && !this.connection.closed) this.idle.touch(at);
  }

  /** After the greeting: commands are read, unless the session is ending already (a fault, the client gone). */
  private readCommands(): void {
    if (this.closing || this.connection.closed) return;
    this.listen();
  }

  /** Called by the server when the socket is gone, however that happened. */
  onClosed(byServer: boolean): void {
    // A reply a fault holds (a throttle, the greeting's too) is let go now, and recorded with what of it left: before the end.
    const replyHeld = this.pumping && this.faults.waiting;
    this.idle.cancel();
    this.faults.cancel();
    this.queue.length = 0;
    if (this.lockedMailbox) this.lockedMailbox.unlock(this.id);
    // The server's TLS layer giving up on the client's bytes is the server's close.
    const aborted = this.handshaking !== undefined && serverAborted(this.connection.handshakeError());
    // A client's FIN also closes from this side (finishIfDrained): that end is the client's.
    if (this.handshaking)
      this.recordHandshakeFailure(this.handshaking, byServer && this.endReason !== 'client-closed');
    this.endReason ??= byServer || aborted ? 'server-closed' : 'client-closed';
    // Else the pump records the end once the reply is recorded.
    if (!replyHeld) this.recordEnd(this.endReason);
  }

  /** Before session-end: why the handshake did not complete, and what came instead of it. */
  private recordHandshakeFailure(mode: 'implicit' | 'stls', serverEnded: boolean): void {
    const error = this.connection.handshakeError();
    const start = this.connection.handshakeStart();
    const cause = handshakeFailureCause(serverEnded, start, error);
    if (cause === 'not-tls')
      this.recordDropped(droppedLines([], start, this.reader.limit), 'instead-of-handshake');
    const { code, reason } = error;
    this.host.emit({ type: 'tls-failed', sessionId: this.id, at: this.now(), mode, cause, code, reason });
  }

  /** Plaintext lines dropped unread, one event each (secrets masked wherever they are printed). */
  private recordDropped(lines: readonly string[], cause: PlaintextDroppedCause): void {
    const at = this.now();
    for (const raw of lines)
      this.host.emit({ type: 'plaintext-dropped', sessionId: this.id, at, raw, cause });
  }

  /**
   * The `session-end` event, once. QUIT emits it with its reply rather than at
   * the socket's close: a TLS socket closes a round trip later than a plain
   * one (close_notify), and a test that has read the reply to QUIT must find
   * the record ended whatever the transport.
   */
  private recordEnd(reason: EndReason): void {
    if (this.endRecorded) return;
    this.endRecorded = true;
    this.host.emit({ type: 'session-end', sessionId: this.id, at: this.now(), reason });
  }

  /**
   * After `reset()`: releases this session's pending fault waits (delayed and
   * hung replies go out now), and a rule still shaping its connection fires
   * again in the restarted counts and record.
   */
  restartFaults(): void {
    this.faults.restart();
  }

  /** Ends the session from the server side (shutdown): no UPDATE. */
  destroy(): void {
    this.closing = true;
    this.connection.destroy();
  }

  // The line loop

  /**
   * Every line of a chunk is queued before the first runs: replies to
   * pipelined commands then leave corked together, in one write.
   */
  private listen(): void {
    this.connection.read(this);
  }

  /** Bytes from the client (ConnectionReader). */
  received(chunk: Buffer): void {
    this.reader.feed(chunk);
    if (!this.pumping && this.queue.length > 0) void this.pump();
  }

  /**
   * The client's FIN: pipelined commands still get their replies, then the
   * connection closes. A client that leaves while a fault holds a reply is
   * simply gone: nothing it asked for runs any more.
   */
  peerEnded(): void {
    this.inputEnded = true;
    if (this.faults.waiting) {
      this.endReason ??= 'client-closed';
      this.closing = true;
      this.connection.destroy();
      return;
    }
    this.finishIfDrained();
  }

  /** After the client's FIN: close once every command it sent has been answered. */
  private finishIfDrained(): void {
    if (this.inputEnded && !this.pumping && this.queue.length === 0 && !this.connection.closed) {
      this.endReason ??= 'client-closed';
      void this.connection.end();
    }
  }

  /** A line from the reader (LineTaker): queued, run by the pump. */
  takeLine(line: InputLine): void {
    if (this.closing) return;
    this.queue.push(line);
    if (this.queue.length >= PAUSE_AT) this.connection.pause();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    // One reading of the clock per stretch of the loop that runs without
    // waiting: the lines it runs arrived together (in one read, or while a
    // command waited), and what they cause happens in that turn.
    let at = this.host.clock.now();
    try {
      while (this.queue.length > 0 && !this.closing && !this.connection.closed) {
        // Replies to pipelined commands leave together (a fault uncorks first, so
        // what it does to one reply stays visible).
        if (this.queue.length > 1) this.connection.cork();
        const line = this.queue.shift()!;
        if (this.queue.length === PAUSE_AT / 4) this.connection.resume();
        this.turnAt = at;
        this.idle.touch(at);
        // Most commands finish at once; only a command that waits costs a turn.
        const waiting = this.handle(line);
        this.turnAt = undefined;
        if (waiting) {
          await waiting;
          at = this.host.clock.now();
          this.restartIdlePeriod(at);
        }
      }
    } catch (error) {
      this.turnAt = undefined;
      await this.endWithInternalError(error);
    } finally {
      this.pumping = false;
      this.connection.uncork();
    }
    this.connection.resume();
    this.recordEndIfClosed();
    this.finishIfDrained();
  }

  /** The connection closed while a fault held the reply just recorded (onClosed): the end comes after it. */
  private recordEndIfClosed(): void {
    if (this.connection.closed && this.endReason !== undefined) this.recordEnd(this.endReason);
  }

  private handle(input: InputLine): Pending {
    if (input.kind === 'too-long') {
      // Its end is there only when the limit is under the octets kept.
      const raw = input.start.toString('utf8').replace(/\r?\n$/, '');
      this.host.emit({
        type: 'line-too-long',
        sessionId: this.id,
        at: this.now(),
        raw,
        limit: this.reader.limit,
      });
      // The -ERR ends a SASL exchange too (RFC 5034 §4): the next line is a command again.
      this.sasl = undefined;
      if (!this.host.dialect.userKeptUntilPass) this.pendingUser = undefined;
      return andThen(this.send(err(this.texts.lineTooLong(this.state))), () =>
        this.host.dialect.closeOnLongLine ? this.endByServer('server-closed') : this.countBad(),
      );
    }
    const { chunk, start, end } = input;
    if (this.sasl) return this.handleSaslLine(chunk.toString('utf8', start, end));
    const line = parseCommandLine(chunk, this.utf8Mode, start, end);
    // RFC 1939 §7: PASS counts only right after USER's +OK; USER sets the name again if it succeeds.
    if (this.pendingUser !== undefined && line.verb !== 'PASS' && !this.host.dialect.userKeptUntilPass)
      this.pendingUser = undefined;
    this.host.command(this.id, this.now(), line, this.state);

    if (this.faults.idleFor(line.verb)) return this.dispatch(line, NO_SHAPE);
    const command = {
      verb: line.verb,
      args: line.args,
      state: this.state,
      user: this.user ?? userBeforeLogin(line, this.pendingUser),
      maildrop: this.maildrop,
      startsTls: startsTls(this, line),
      offered: this.offers(line.verb),
    };
    return this.faults.command(command, (shape = NO_SHAPE) => this.dispatch(line, shape));
  }

  /** Runs a command through the command table and sends its reply. */
  private dispatch(line: CommandLine, shape: ReplyShape): Pending {
    const check = checkCommand(this, line);
    if (check.kind === 'run' && this.state === 'AUTHORIZATION' && this.dialect.knownCommandResetsBadCount)
      this.badCommands = 0;
    if (check.kind === 'refused') return this.refuse(check.reply, shape);
    // Written out rather than with andThen: no closure per command when nothing waits.
    const result = check.spec.run(this, line.args, line.rest);
    return result instanceof Promise
      ? result.then((r) => this.conclude(r, shape))
      : this.conclude(result, shape);
  }

  /** A command's result: its step applied, its reply sent, then what follows the reply. */
  private conclude(result: CommandResult, shape: ReplyShape): Pending {
    const answered = this.answer(result, shape);
    return answered instanceof Promise ? answered.then((a) => this.afterReply(a)) : this.afterReply(answered);
  }

  /** What follows a command's reply: the bad-command count, the close after QUIT, STLS's handshake. */
  private afterReply(result: CommandResult): Pending {
    const reply = replyOf(result);
    const next = nextOf(result);
    const failed = reply.kind === 'status' && !reply.ok && next?.kind !== 'not-bad';
    if (!failed) this.badCommands = 0;
    const counted = failed && this.state === 'TRANSACTION' ? this.countBad() : undefined;
    return counted instanceof Promise ? counted.then(() => this.closeOrGoOn(next)) : this.closeOrGoOn(next);
  }

  /** A session that is ending starts no TLS: its connection is closing (a fault cut STLS's reply). */
  private closeOrGoOn(next: NextStep | undefined): Pending {
    return this.closing ? this.connection.end() : this.startTlsAfter(next);
  }

  private startTlsAfter(next: NextStep | undefined): Pending {
    if (next?.kind === 'start-tls') return this.upgrade();
  }

  /**
   * Applies a command's next step, then sends its reply; gives the result
   * back (no object per command: most are plain replies).
   */
  private answer(result: CommandResult, shape: ReplyShape = NO_SHAPE): Pending<CommandResult> {
    const next = nextOf(result);
    if (next) this.apply(next);
    const sent = this.send(replyOf(result), shape);
    return sent instanceof Promise ? sent.then(() => this.replied(result, next)) : this.replied(result, next);
  }

  /** Right after a reply left: in the same turn as its event, so no client can have read it before this runs. */
  private replied(result: CommandResult, next: NextStep | undefined): CommandResult {
    if ((next?.kind === 'quit' || next?.kind === 'update') && this.endReason) this.recordEnd(this.endReason);
    return result;
  }

  /** What a step decided, made real: state, lock, maildrop, transcript, and what the next lines are. */
  private apply(next: NextStep): void {
    const at = this.now();
    switch (next.kind) {
      case 'login-refused': {
        const { user, mechanism, result } = next;
        this.host.emit({ type: 'auth', sessionId: this.id, at, user, mechanism, result });
        return;
      }
      case 'login': {
        const { user, mechanism, mailbox } = next;
        if (next.locked) this.lockedMailbox = mailbox;
        this.user = user;
        this.maildrop = new Maildrop(mailbox, next.snapshot, this);
        this.host.emit({ type: 'auth', sessionId: this.id, at, user, mechanism, result: 'ok' });
        this.setState('TRANSACTION');
        return;
      }
      case 'quit':
        this.closing = true;
        this.endReason = 'quit-authorization';
        return;
      case 'update':
        this.closing = true;
        this.setState('UPDATE');
        this.host.emit({ type: 'update', sessionId: this.id, at, deleted: next.deleted });
        this.releaseLock();
        this.endReason = 'quit-update';
        return;
      case 'sasl':
        this.sasl = next.pending;
        return;
      case 'start-tls':
        // After the reply: see dispatch().
        return;
      case 'not-bad':
        // Read by afterReply().
        return;
    }
  }

  /** A client line inside an AUTH exchange (RFC 5034 §4): base64, or `*` to cancel. */
  private handleSaslLine(raw: string): Pending {
    const pending = this.sasl!;
    const { mechanism } = pending;
    this.host.emit({ type: 'sasl-response', sessionId: this.id, at: this.now(), mechanism, raw });
    this.sasl = undefined;
    return andThen(this.answer(continueSasl(this, pending, raw)), () => undefined);
  }

  /**
   * STLS: everything read so far in plaintext is dropped, then the handshake
   * runs on the same socket. A failed handshake closes the connection; it
   * never falls back to plaintext (RFC 2595 §2.5).
   */
  private async upgrade(): Promise<void> {
    this.dropAfterStls();
    const upgrade = await this.handshake('stls');
    if (!upgrade.secured) return;
    this.tlsActive = true;
    // Nothing learned before TLS carries over (session-fixation class).
    this.pendingUser = undefined;
    this.host.emit({
      type: 'tls',
      sessionId: this.id,
      at: this.now(),
      mode: 'stls',
      certificate: this.host.certificate,
    });
    this.listen();
  }

  /** Drops what was read after STLS in plaintext, on the record (FaultTarget: the handshake-failure fault's `+OK` too). */
  dropAfterStls(): void {
    const held = this.reader.dropHeld();
    this.recordDropped(droppedLines(this.queue, held, this.reader.limit), 'after-stls');
    this.queue.length = 0;
  }

  /**
   * What the client sent where a handshake should begin, when no handshake reads it (FaultTarget:
   * the handshake-failure fault): bytes that are no TLS record are dropped and recorded as the
   * STLS path records them (`instead-of-handshake`), a ClientHello is not. Whether any were.
   */
  dropInsteadOfHandshake(): boolean {
    const held = this.reader.dropHeld();
    const first = this.queue[0];
    const firstByte =
      first === undefined ? held?.[0] : first.kind === 'line' ? first.chunk[first.start] : first.start[0];
    const plaintext = firstByte !== undefined && firstByte !== HANDSHAKE_RECORD;
    if (plaintext)
      this.recordDropped(droppedLines(this.queue, held, this.reader.limit), 'instead-of-handshake');
    this.queue.length = 0;
    return plaintext;
  }

  /** The server closes, as it does where a real STLS's handshake fails on plaintext (FaultTarget): `server-closed`. */
  closeAsServer(): Promise<void> {
    return this.endByServer('server-closed');
  }

  /** A TLS handshake; while it runs, a close is recorded as its failure (see onClosed). */
  private async handshake(mode: 'implicit' | 'stls'): Promise<TlsUpgrade> {
    this.handshaking = mode;
    try {
      return await this.connection.upgradeToTls(this.host.tls!.secureContext());
    } finally {
      this.handshaking = undefined;
    }
  }

  private refuse(reply: Reply, shape: ReplyShape = NO_SHAPE): Pending {
    return andThen(this.send(reply, shape), () => this.countBad());
  }

  private countBad(): Pending {
    this.badCommands++;
    const max = this.state === 'UPDATE' ? undefined : this.host.dialect.maxBadCommands[this.state];
    if (max !== undefined && this.badCommands >= max) {
      return andThen(this.send(err(this.texts.tooManyBadCommands(this.state))), () =>
        this.endByServer('server-closed'),
      );
    }
  }

  /**
   * Something inside the mock threw (a bug, or a dialect text that throws).
   * It must not take down the host, nor pass unseen: it is recorded before
   * the `-ERR`, and the session ends.
   */
  private async endWithInternalError(error: unknown): Promise<void> {
    this.reportInternalError(error);
    this.closing = true;
    try {
      await this.send(err(this.texts.internalError));
    } catch (sendError) {
      // The -ERR itself failed (writes never reject, so this is a bug too): the client sees the close.
      this.reportInternalError(sendError);
    }
    // FIN, not RST: the -ERR may still be corked behind pipelined replies.
    await this.endByServer('server-closed');
  }

  private reportInternalError(error: unknown): void {
    this.host.emit(internalErrorEvent(this.id, this.now(), error));
  }

  private async endByServer(reason: EndReason): Promise<void> {
    this.closing = true;
    this.endReason = reason;
    await this.connection.end();
  }

  send(reply: Reply, shape: ReplyShape = NO_SHAPE): Pending {
    let stuff = shape.stuff;
    let sent = reply;
    if (shape.bend) ({ reply: sent, stuff } = shape.bend(reply));
    sent = safeText(sent, this.host.capabilities);
    const options = stuff === shape.stuff ? shape : { ...shape, stuff };
    // One first line for the wire and the transcript.
    const line = firstLine(sent);
    const written = this.writer.send(sent, options, line);
    const recorded =
      typeof written === 'number'
        ? this.recordReply(sent, line, written)
        : andThen(written, (taken) => this.recordReply(sent, line, taken));
    return shape.replied === undefined ? recorded : andThen(recorded, shape.replied);
  }

  private recordReply(sent: Reply, line: string, taken: Sent): void {
    reportReply(this.host, this.id, this.now(), statusOf(sent), line, taken);
  }

  private setState(to: SessionState): void {
    const from = this.state;
    this.state = to;
    if (to !== 'UPDATE') this.reader.limit = this.host.dialect.maxLineLength[to];
    this.host.emit({ type: 'state', sessionId: this.id, at: this.now(), from, to });
  }

  /** Whether the session is logged in on `mailbox` (TRANSACTION): its deletions go there at UPDATE. */
  worksOn(mailbox: Mailbox): boolean {
    return this.state === 'TRANSACTION' && this.maildrop?.mailbox === mailbox;
  }

  private releaseLock(): void {
    this.lockedMailbox?.unlock(this.id);
    this.lockedMailbox = undefined;
  }

  /**
   * The autologout period passed without a command (IdleWatcher). A reply
   * the client is still taking is activity, and one a fault holds (delay,
   * hang, stall, throttle) the server's doing: neither ends the session. A
   * client that took nothing of the output waiting for it for a whole period
   * is gone, a fault holding more of it or not.
   */
  idleExpired(): void {
    if (this.closing || this.connection.closed) return;
    if (this.connection.outputMoved() || (this.faults.waiting && this.connection.pendingBytes === 0)) {
      this.idle.touch();
      return;
    }
    void this.autologout();
  }

  /** A RETR the maildrop served, for the transcript (RetrievalWatcher). */
  retrieved(number: number, uid: string): void {
    this.host.emit({ type: 'retrieve', sessionId: this.id, at: this.now(), number, uid });
  }

  private async autologout(): Promise<void> {
    if (this.closing || this.connection.closed) return;
    this.closing = true;
    this.endReason = 'autologout';
    try {
      const text = this.texts.autologout;
      if (text !== undefined) await this.send(err(text));
    } catch (error) {
      // Writes never reject, so this is a bug, not a lost client: recorded, and the close goes ahead.
      this.reportInternalError(error);
    }
    // A client that stopped reading would hold a graceful close open forever.
    if (this.connection.pendingBytes > 0) this.connection.destroy();
    else await this.connection.end();
  }
}
