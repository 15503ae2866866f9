import type { Clock } from '../clock';
import type { EventHub } from './event-hub';
import type { Pop3Event } from './events';
import type { Recorder } from './recorder';
import type { RecordedCommand } from './session-record';
import { waitForEvent } from './waiting';

/** Which sessions a query looks at. */
export interface SessionFilter {
  /** Only sessions that logged in as this user. */
  user?: string;
  /** Only this session id. */
  sessionId?: number;
}

/** A command as matched by a query: the string form (`'RETR 1'`, secrets masked) or a pattern. */
export type CommandPattern = string | RegExp;

/**
 * Queries, waits and verification over recorded sessions; `Pop3Mock`
 * exposes these as its own methods.
 */
export class TranscriptApi {
  constructor(
    private readonly hub: EventHub,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
  ) {}

  /** Commands of every matching session, in arrival order, as `'RETR 1'` (secrets masked). */
  commands(filter: SessionFilter = {}): string[] {
    return this.recorder.sessions
      .filter(
        (s) =>
          (filter.user === undefined || s.user === filter.user) &&
          (filter.sessionId === undefined || s.id === filter.sessionId),
      )
      .flatMap((s) => s.commands());
  }

  /** Resolves with the first event matching `predicate`. */
  waitFor(
    predicate: (event: Pop3Event) => boolean,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<Pop3Event> {
    return waitForEvent(
      this.hub,
      this.clock,
      options.what ?? 'a matching event',
      predicate,
      options.timeoutMs ?? 5000,
    );
  }

  /** Resolves with the next command received that matches. */
  async waitForCommand(
    pattern: CommandPattern,
    options: { timeoutMs?: number } = {},
  ): Promise<RecordedCommand & { sessionId: number }> {
    const event = await this.waitFor((e) => e.type === 'command' && matches(pattern, e.verb, e.args), {
      timeoutMs: options.timeoutMs,
      what: `command ${String(pattern)}`,
    });
    if (event.type !== 'command') throw new Error('unreachable');
    return {
      verb: event.verb,
      args: event.args,
      raw: event.raw,
      state: event.state,
      at: event.at,
      sessionId: event.sessionId,
    };
  }
}

function matches(pattern: CommandPattern, verb: string, args: readonly string[]): boolean {
  const text = [verb, ...args].join(' ');
  return typeof pattern === 'string' ? text.toUpperCase() === pattern.toUpperCase() : pattern.test(text);
}
