import { assertNever } from '../assert-never';
import { type Clock, sleep, systemClock } from '../clock';
import type { Pending } from '../pending';
import { isMultiLine, ok, type Reply } from '../protocol/reply';
import type { Pop3Event } from '../vocabulary';
import type { ByteSink } from '../wire';
import type { BuiltRule } from './builder';
import type { FaultEngine } from './engine';
import type { CommandFacts, FaultHook, ReplyShape, SendNormally } from './hook';
import { delayMs } from './random';
import { applyBug, bends } from './reply-bugs';
import type { FaultAction, FaultActionType } from './rule';
import {
  cutAfter,
  fragment,
  type ShapeControls,
  type Shaper,
  stallAfter,
  throttle,
  waitForAbort,
} from './shaping';

/** Faults whose effect depends on the reply they meet (see FaultRunner.applyToReply). */
const ON_REPLY = [
  'stall',
  'no-terminator',
  'no-dot-stuffing',
  'bare-lf',
  'size-skew',
  'uidl',
  'top-ignores-count',
  'renumber-after-dele',
] as const satisfies readonly FaultActionType[];
type OnReply = Extract<FaultAction, { type: (typeof ON_REPLY)[number] }>;
const actsOnReply = (action: FaultAction): action is OnReply =>
  (ON_REPLY as readonly FaultActionType[]).includes(action.type);
/** Faults that act whatever the reply. */
type AtOnce = Exclude<FaultAction, OnReply>;

/** After `resetAfterBytes` has flushed its bytes: time for the client to read them before the RST. */
const RESET_GRACE_MS = 50;

/** The connection under a session, as far as a fault uses it. */
export interface FaultConnection extends ByteSink {
  readonly closed: boolean;
  /** Replies already written go out before a fault acts on the next one. */
  uncork(): void;
  flush(): Promise<void>;
  end(): Promise<void>;
  reset(): void;
}

/** What a fault may use of its session. */
export interface FaultTarget {
  readonly sessionId: number;
  readonly clock: Clock;
  /** The session's time: its turn's reading while a command runs without waiting. */
  now(): number;
  readonly connection: FaultConnection;
  /** The dialect's `+OK` text for STLS (the handshake-failure fault answers with it). */
  readonly stlsBegin: string;
  emit(event: Pop3Event): void;
  /** Sends a reply as the session does (reply guards, transcript). */
  send(reply: Reply, shape?: ReplyShape): Pending;
  /** A fault is closing the connection: the session ends, no more commands run. */
  endingByFault(): void;
  /** STLS was answered `+OK`: the plaintext read after it is dropped and recorded, as before a handshake. */
  dropAfterStls(): void;
  /** After that `+OK`: plaintext sent where the handshake should begin is dropped and recorded; whether there was any. */
  dropInsteadOfHandshake(): boolean;
  /** Ends the session by the server's close (`server-closed`), as a real STLS does once its handshake failed on plaintext. */
  closeAsServer(): Promise<void>;
  /**
   * After the handshake-failure fault's `+OK`: waits for the client's first byte as STLS waits
   * for its handshake (nothing written meanwhile; a close recorded as that handshake's failure).
   * Resolves at that byte, at the close, or at `released`.
   */
  awaitHandshakeStart(released: Promise<void>): Promise<void>;
}

/**
 * Carries out the fault rules that fire in one session, at the two hook
 * points: before the greeting and before a command. Waits (delays, hangs,
 * stalls) listen to one abort signal, so `reset()` and `close()` release them
 * and no timer is left behind.
 */
export class FaultRunner implements FaultHook {
  private abort: AbortController | undefined;
  /** The connection, or a connection-wide throttle or fragmentation over it. */
  private base: ByteSink;
  /** The rules that shape the whole connection ({@link shapeConnection}): they fire again after `reset()`. Made with the first (most sessions have none). */
  private shapedBy: BuiltRule[] | undefined;

  constructor(
    private readonly engine: FaultEngine,
    private readonly target: FaultTarget,
  ) {
    this.base = target.connection;
  }

  /**
   * The session's writes go through the runner itself (it is the sink the
   * reply writer holds), so a connection-wide throttle or fragmentation set
   * later still applies.
   */
  write(chunk: Buffer): Pending<number> {
    const written = this.base.write(chunk);
    // A connection-wide throttle or fragmentation holding bytes back is a fault holding a reply.
    return written instanceof Promise && this.base !== this.target.connection ? this.hold(written) : written;
  }

  /** Fault work in progress (a rule being applied, a shaped write pending). */
  private holds = 0;

  /** Whether a fault is holding a reply now (not merely whether one ever fired). */
  get waiting(): boolean {
    return this.holds > 0;
  }

  private hold<T>(work: Promise<T>): Promise<T> {
    this.holds++;
    return work.finally(() => {
      this.holds--;
    });
  }

  /** Inside a fault's work, the client's turn (a wait for its next bytes): no reply is held meanwhile. */
  private async clientsTurn(work: Promise<void>): Promise<void> {
    this.holds--;
    try {
      await work;
    } finally {
      this.holds++;
    }
  }

  idleFor(verb: string): boolean {
    return !this.engine.mayMatch(verb);
  }

  cancel(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  /**
   * After `reset()`: what was held is let go ({@link cancel}), and a rule
   * that still shapes the connection (an option rule's; a `use()` rule's
   * went with the reset) fires again in the restarted counts and record, so
   * `pendingRules()` does not list a rule at work and the transcript says
   * why the session's replies are slow.
   */
  restart(): void {
    this.cancel();
    for (const rule of this.shapedBy ?? []) {
      if (!this.engine.holds(rule)) continue;
      this.engine.countLasting(rule);
      this.report(rule);
    }
  }

  greeting(send: SendNormally): Pending {
    const { sessionId } = this.target;
    const rule = this.engine.empty
      ? undefined
      : this.engine.match({ point: 'connect', sessionId, connection: sessionId });
    if (!rule) return send();
    if (rule.action.type === 'throttle' || rule.action.type === 'fragment') {
      // Throttling and fragmenting on connect shape the whole connection.
      this.shapeConnection(rule);
      return send();
    }
    return this.hold(this.apply(rule, send, undefined));
  }

  command(command: CommandFacts, run: SendNormally): Pending {
    if (this.engine.empty) return run();
    const { sessionId } = this.target;
    const { verb, args, state, user, startsTls } = command;
    const rule = this.engine.match({
      point: 'command',
      sessionId,
      connection: sessionId,
      verb,
      args,
      state,
      user,
      startsTls,
    });
    if (!rule) return run();
    return this.hold(this.apply(rule, run, command));
  }

  private shapeConnection(rule: BuiltRule): void {
    const { action } = rule;
    if (action.type !== 'throttle' && action.type !== 'fragment') return;
    this.report(rule);
    this.shapedBy ??= [];
    this.shapedBy.push(rule);
    const base = this.base;
    const { connection } = this.target;
    // Each piece leaves at once: replies to pipelined commands are corked together, and
    // a shaped link held in the cork would reach the client as one burst.
    const under: ByteSink = {
      write: (chunk) => {
        connection.uncork();
        return base.write(chunk);
      },
    };
    const shaped =
      action.type === 'throttle'
        ? throttle(under, action.bytesPerSecond, this.lastingControls(rule))
        : fragment(under, action.mode);
    // The link stays shaped while its rule exists: reset() removes a use() rule (the
    // session's link is plain again) and keeps an option rule (it stays shaped).
    const { engine } = this;
    this.base = { write: (chunk) => (engine.holds(rule) ? shaped.write(chunk) : base.write(chunk)) };
  }

  /**
   * Applies a rule where it fired. `run` sends the normal reply (the greeting,
   * or the command's, given as `command`), written with the shape the fault gives it.
   */
  private apply(rule: BuiltRule, run: SendNormally, command: CommandFacts | undefined): Promise<void> {
    this.target.connection.uncork();
    const action = rule.action;
    if (actsOnReply(action)) return this.applyToReply(rule, action, run, command);
    this.report(rule);
    return this.applyAtOnce(rule, action, run);
  }

  /** A fault that acts whatever the reply: it was reported as it fired. */
  private async applyAtOnce(rule: BuiltRule, action: AtOnce, run: SendNormally): Promise<void> {
    const { target } = this;
    const { connection } = target;
    const controls = this.controls(rule);
    // finish() as soon as the reply is out, before what follows it (QUIT's close, STLS's
    // handshake), and again in case no reply went through the shaper (it runs once).
    const shaped = async (shaper: Shaper) => {
      await run({ sink: shaper, replied: () => shaper.finish() });
      await shaper.finish();
    };
    switch (action.type) {
      case 'reply':
        await target.send({ kind: 'raw', lines: action.lines });
        if (action.after) await this.close(action.after === 'close' ? 'fin' : 'rst');
        return;
      case 'delay':
        await sleep(target.clock, delayMs(action.delay, this.engine.rng), controls.signal);
        if (!connection.closed) await run();
        return;
      case 'hang':
        await waitForAbort(controls.signal);
        if (!connection.closed) await run();
        return;
      case 'close':
        return this.close('fin');
      case 'reset':
        return this.close('rst');
      case 'garbage': {
        const junk = Buffer.from(
          Array.from({ length: action.bytes }, () => Math.floor(this.engine.rng() * 256)),
        );
        await this.base.write(junk);
        return this.close('fin');
      }
      case 'close-after-bytes':
        return shaped(cutAfter(this.base, action.bytes, 'fin', controls));
      case 'reset-after-bytes':
        return shaped(cutAfter(this.base, action.bytes, 'rst', controls));
      case 'fragment':
        return shaped(fragment(this.base, action.mode));
      case 'throttle':
        return shaped(throttle(this.base, action.bytesPerSecond, controls));
      case 'inject-after-reply':
        return run({ trailer: Buffer.from(action.lines.map((l) => `${l}\r\n`).join('')) });
      case 'stls-handshake-failure':
        // +OK to STLS, then, once the client has started its handshake, bytes that are
        // not TLS, then FIN. Sent earlier, they would read as a bad POP3 reply instead.
        await target.send(ok(target.stlsBegin));
        // As a real STLS does: lines the client pipelined after it (an injection) are dropped, on the record.
        target.dropAfterStls();
        // The +OK is out: until the client's first byte it is the client's turn, as after a real
        // STLS. No reply is held, so the autologout period runs; a close meanwhile (the client's,
        // the autologout's, close()) ends the session as it ends a real STLS's, recorded there.
        await this.clientsTurn(target.awaitHandshakeStart(waitForAbort(controls.signal)));
        if (connection.closed) return;
        // What came instead of a ClientHello (a client that ignored the +OK) is on the record too,
        // and fails the handshake as it fails a real STLS's: not-tls, closed by the server, no junk
        // after it (the client would read it as a reply to its plaintext).
        // No TLS layer read those bytes, so the failure has no code or reason.
        if (target.dropInsteadOfHandshake()) {
          target.emit(stlsFailed(target, 'not-tls'));
          return target.closeAsServer();
        }
        await this.base.write(Buffer.from('this is not TLS\r\n'));
        // The client's handshake cannot complete: a TLS failure the server caused (no refusal),
        // as toHaveTlsFailure() asks it, recorded before the close ends the session.
        target.emit(stlsFailed(target, 'server-ended'));
        return this.close('fin');
      default:
        assertNever(action);
    }
  }

  /**
   * A fault whose effect depends on the reply it meets: a bug mode bends only
   * some replies (not an `-ERR`, not `LIST 1` for `noTerminator()`), a stall
   * acts only on a reply longer than its octets. It is reported when it acts,
   * and a firing that changed nothing is taken back ({@link FaultEngine.takeBack}),
   * so `once()` is spent on the first reply it really changes.
   */
  private async applyToReply(
    rule: BuiltRule,
    action: OnReply,
    run: SendNormally,
    command: CommandFacts | undefined,
  ): Promise<void> {
    let decided = false;
    const takeBack = this.engine.takeBack(rule);
    // Decided on the first reply it meets, as soon as it is known (a bend is told before the
    // write): while the rule counts as fired, another session's reply it would change does not get it.
    const act = (acts: boolean) => {
      if (decided) return;
      decided = true;
      if (acts) this.report(rule);
      else takeBack();
    };
    try {
      if (action.type === 'stall') {
        const shaper = stallAfter(this.base, action.afterBytes, this.controls(rule), () => act(true));
        await run({ sink: shaper });
        return await shaper.finish();
      }
      if (action.type === 'no-terminator') {
        return await run({
          terminator: false,
          bend: (reply) => {
            act(isMultiLine(reply));
            return { reply, stuff: true };
          },
        });
      }
      // Bug modes bend a command's reply; a greeting never meets one (refused at the door). A verb
      // the server leaves out gets its unknown-command -ERR as it is: renumberAfterDele() made
      // `UIDL 1` on a server without UIDL a +OK (the rule refused on such a server, docs/FAULTS.md).
      if (!command?.offered) return await run();
      const { verb, args, maildrop } = command;
      const context = { verb, args, maildrop, sessionId: this.target.sessionId };
      return await run({
        bend: (reply) => {
          const bent = applyBug(action, reply, context);
          act(bends(reply, bent));
          return bent;
        },
      });
    } finally {
      // Never bent (no reply went through the shape) or never stalled.
      if (!decided) takeBack();
    }
  }

  /** Ends the connection as a fault asks: FIN after a flush, or RST once the client has had the bytes. */
  private async close(mode: 'fin' | 'rst'): Promise<void> {
    const { connection } = this.target;
    this.target.endingByFault();
    if (mode === 'fin') return connection.end();
    await connection.flush();
    // Time for the network, not the mock's time: on a fake clock that no test moves it would never pass.
    await sleep(systemClock, RESET_GRACE_MS);
    connection.reset();
  }

  private report(rule: BuiltRule): void {
    this.target.emit({
      type: 'fault',
      sessionId: this.target.sessionId,
      at: this.target.now(),
      ruleId: rule.id,
      action: rule.action.type,
      description: rule.explain(),
    });
  }

  /** Controls for one firing of `rule`: its waits end at `reset()`, `close()` or the rule's removal. */
  private controls(rule: BuiltRule): ShapeControls {
    return {
      clock: this.target.clock,
      signal: this.signal(rule),
      close: (mode) => this.close(mode),
    };
  }

  /**
   * Controls for a shaping that outlives one reply: its signal is read anew at
   * each wait, so `cancel()` (reset) releases what it holds now, and what is
   * written after is shaped again.
   */
  private lastingControls(rule: BuiltRule): ShapeControls {
    const runner = this;
    return {
      clock: this.target.clock,
      get signal() {
        return runner.signal(rule);
      },
      close: (mode) => this.close(mode),
    };
  }

  /** Aborts at the session's `cancel()` (reset, close) or when `rule` is removed. */
  private signal(rule: BuiltRule): AbortSignal {
    if (this.target.connection.closed) return AbortSignal.abort();
    this.abort ??= new AbortController();
    // AbortSignal.any (Node >= 20.3, as package.json asks) holds its sources weakly: no listener left per wait.
    return AbortSignal.any([this.abort.signal, this.engine.released(rule)]);
  }
}

/** The `tls-failed` event of a handshake the handshake-failure fault stood in for: no TLS error, only its cause. */
function stlsFailed(target: FaultTarget, cause: 'not-tls' | 'server-ended'): Pop3Event {
  return {
    type: 'tls-failed',
    sessionId: target.sessionId,
    at: target.now(),
    mode: 'stls',
    cause,
    code: '',
    reason: '',
  };
}
