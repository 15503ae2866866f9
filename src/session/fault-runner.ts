import { sleep } from '../clock';
import type { BuiltRule } from '../faults/builder';
import { delayMs } from '../faults/random';
import { applyBug, type BugContext } from '../faults/reply-bugs';
import {
  cutAfter,
  fragment,
  type ShapeControls,
  type Shaper,
  stallAfter,
  throttle,
  waitForAbort,
} from '../faults/shaping';
import { ok, type Reply } from '../protocol/reply';
import type { Connection } from './connection';
import type { ByteSink, WriteOptions } from './reply-writer';
import type { SessionHost } from './session-host';

/** How a reply is written, and how a bug mode bends it first. */
export interface ReplyShape extends WriteOptions {
  bend?: (reply: Reply) => { reply: Reply; stuff: boolean };
}

/** What a fault may use of its session. */
export interface FaultTarget {
  readonly id: number;
  readonly host: SessionHost;
  readonly connection: Connection;
  /** The sink under every reply; a connection-wide fault replaces it. */
  base: ByteSink;
  send(reply: Reply, shape?: ReplyShape): Promise<void>;
  closeByFault(mode: 'fin' | 'rst'): Promise<void>;
  bugContext(): BugContext;
}

/**
 * Carries out the fault rules that fire in one session, at the two hook
 * points: before the greeting and before a command. Waits (delays, hangs,
 * stalls) listen to one abort signal, so `reset()` and `close()` release them
 * and no timer is left behind.
 */
export class FaultRunner {
  private abort: AbortController | undefined;

  constructor(private readonly session: FaultTarget) {}

  /** Whether a fault is waiting (made lazily: most sessions never wait). */
  get waiting(): boolean {
    return this.abort !== undefined;
  }

  /** Releases every pending wait. */
  cancel(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  /** A connection-wide throttle or fragmentation, from a connect rule. */
  shapeConnection(rule: BuiltRule): void {
    const { action } = rule;
    if (action.type !== 'throttle' && action.type !== 'fragment') return;
    this.emit(rule);
    const under = this.session.base;
    this.session.base =
      action.type === 'throttle'
        ? throttle(under, action.bytesPerSecond, this.controls())
        : fragment(under, action.mode);
  }

  /**
   * Applies a rule where it fired. `run` sends the normal reply (the greeting,
   * or the command's), written with the shape the fault gives it.
   */
  async run(rule: BuiltRule, atGreeting: boolean, run: (shape?: ReplyShape) => Promise<void>): Promise<void> {
    this.emit(rule);
    // Replies already written go out before the fault acts on this one.
    this.session.connection.uncork();
    const { session } = this;
    const { host } = session;
    const action = rule.action;
    const controls = this.controls();
    const shaped = async (shaper: Shaper) => {
      await run({ sink: shaper });
      await shaper.finish();
    };
    switch (action.type) {
      case 'reply':
        await session.send({ kind: 'raw', lines: action.lines });
        if (action.after) await session.closeByFault(action.after === 'close' ? 'fin' : 'rst');
        return;
      case 'delay':
        await sleep(host.clock, delayMs(action.delay, host.faults.rng), controls.signal);
        if (!session.connection.closed) await run();
        return;
      case 'hang':
        await waitForAbort(controls.signal);
        if (!session.connection.closed) await run();
        return;
      case 'close':
        return session.closeByFault('fin');
      case 'reset':
        return session.closeByFault('rst');
      case 'garbage': {
        const junk = Buffer.from(
          Array.from({ length: action.bytes }, () => Math.floor(host.faults.rng() * 256)),
        );
        await session.base.write(junk);
        return session.closeByFault('fin');
      }
      case 'close-after-bytes':
        return shaped(cutAfter(session.base, action.bytes, 'fin', controls));
      case 'reset-after-bytes':
        return shaped(cutAfter(session.base, action.bytes, 'rst', controls));
      case 'stall':
        return shaped(stallAfter(session.base, action.afterBytes, controls));
      case 'fragment':
        return shaped(fragment(session.base, action.mode));
      case 'throttle':
        return shaped(throttle(session.base, action.bytesPerSecond, controls));
      case 'no-terminator':
        return run({ terminator: false });
      case 'inject-after-reply':
        return run({ trailer: Buffer.from(action.lines.map((l) => `${l}\r\n`).join('')) });
      case 'stls-handshake-failure':
        // +OK to STLS, then, once the client has started its handshake, bytes that are
        // not TLS, then FIN. Sent earlier, they would read as a bad POP3 reply instead.
        await session.send(ok(host.dialect.texts.stlsBegin));
        await Promise.race([session.connection.nextData(), waitForAbort(controls.signal)]);
        await session.base.write(Buffer.from('this is not TLS\r\n'));
        return session.closeByFault('fin');
      default: {
        if (atGreeting) return run();
        const context = session.bugContext();
        return run({ bend: (reply) => applyBug(action, reply, context) });
      }
    }
  }

  private emit(rule: BuiltRule): void {
    const { host, id } = this.session;
    host.emit({
      type: 'fault',
      sessionId: id,
      at: host.clock.now(),
      ruleId: rule.id,
      action: rule.action.type,
      description: rule.explain(),
    });
  }

  private controls(): ShapeControls {
    return {
      clock: this.session.host.clock,
      signal: this.signal(),
      close: (mode) => this.session.closeByFault(mode),
    };
  }

  private signal(): AbortSignal {
    if (this.session.connection.closed) return AbortSignal.abort();
    this.abort ??= new AbortController();
    return this.abort.signal;
  }
}
