import { clearTimeout, setTimeout } from 'node:timers';
import type { Clock } from '../clock';
import type { LocatedCommand, Pop3Event } from '../vocabulary';
import { exportSessions, type JsonOptions, type TranscriptExport } from './json-export';
import { describeLocated, describeNearMiss, nearMisses } from './near-miss';
import { type CommandPattern, describePattern, matchesCommand } from './pattern';
import { filterSessions, type SessionFilter } from './query';
import { type RenderOptions, renderSessions } from './render';
import { type DroppedSessions, describeDropped } from './retention';
import { COMMAND_COUNT, type SessionRecord } from './session-record';
import { type VerifyOptions, verifyReceived } from './verify';
import { type EventSource, WaitSet, waitForEvent } from './waiting';

export type { CommandPattern } from './pattern';
export type { SessionFilter } from './query';

/** How long a wait waits when its options do not say. */
export const DEFAULT_WAIT_MS = 5000;

/** Options of every wait. */
export interface WaitTimeout {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

/** Options of `nextSession()` and `sessionEnd()`. */
export interface SessionWaitOptions extends WaitTimeout {
  /**
   * A session id: the first session with a greater id, now if it has begun.
   * A client that connects and then starts the wait still finds its session:
   * read the latest id (`listSessions()`, or 0) before connecting, pass it here.
   */
  since?: number;
}

/** Options of `waitForCommand`. */
export interface WaitForCommandOptions extends WaitTimeout, SessionFilter {
  /**
   * Also accept a command that arrived before the wait began (the earliest
   * such). Default false. Its timeout error says how many earlier commands
   * it looked at, and the closest of them.
   */
  includePast?: boolean;
}

/** A user's mailbox after the sessions so far. */
export interface MailboxOutcome {
  readonly user: string;
  /** What is left, numbered as a session opened now would see it. */
  readonly remaining: readonly { number: number; uid: string; size: number }[];
  /** What UPDATE removed, oldest first, with the session and the number it had there. */
  readonly deleted: readonly {
    uid: string;
    size: number;
    sessionId: number;
    number: number | undefined;
    deletedAt: Date;
  }[];
  /** What was RETRieved, in order, by session: in the sessions kept (see `dropped`). */
  readonly retrieved: readonly { sessionId: number; number: number; uid: string }[];
  /**
   * Present when sessions of this user were dropped (`keepSessions`):
   * `retrieved` leaves out what they retrieved (`deleted` lists every
   * deletion all the same).
   */
  readonly dropped?: DroppedSessions;
}

/** What {@link TranscriptApi.outcome} needs of a mailbox. */
export interface MailboxView {
  readonly user: string;
  messages(): readonly { number: number; uid: string; size: number }[];
  deleted(): readonly { uid: string; size: number; sessionId: number; deletedAt: Date }[];
}

/** What the transcript API reads: the records kept, and what was dropped of them. */
export interface RecordSource {
  readonly sessions: readonly SessionRecord[];
  /** The record of a session by id, if kept. */
  get(id: number): SessionRecord | undefined;
  /** The dropped sessions (`keepSessions`) `filter` would have selected; undefined when none. */
  dropped(filter?: SessionFilter): DroppedSessions | undefined;
}

/** A command as a wait sees it on arrival: recorded, not yet answered (no reply, no cut). */
function asArrived({ replyCut: _, ...command }: LocatedCommand): LocatedCommand {
  return { ...command, reply: undefined };
}

/**
 * What a wait for a command looked at besides the events it saw: `commands`
 * (none of which matched), described as `which`, with the closest of them.
 * `sayNone`: say so when there were none (else nothing is said).
 */
function lookedAt(
  commands: readonly LocatedCommand[],
  pattern: CommandPattern,
  which: string,
  sayNone = true,
): string[] {
  if (commands.length === 0) return sayNone ? [`Looked at the commands ${which}: there were none.`] : [];
  const count = commands.length === 1 ? 'the 1 command' : `the ${commands.length} commands`;
  return [
    `Looked at ${count} ${which}, none of them ${describePattern(pattern)}; the closest:`,
    ...nearMisses(commands, pattern).map((miss) => `  ${describeNearMiss(miss)}`),
  ];
}

/**
 * Queries, waits, verification, rendering and export over recorded sessions;
 * `Pop3Mock` exposes these as its own methods.
 */
export class TranscriptApi {
  private readonly waits = new WaitSet();

  /** Waits not settled yet. */
  get pendingWaits(): number {
    return this.waits.size;
  }

  constructor(
    private readonly hub: EventSource,
    private readonly recorder: RecordSource,
    private readonly clock: Clock,
  ) {}

  /** Recorded sessions matching `filter`, oldest first. */
  sessions(filter: SessionFilter = {}): SessionRecord[] {
    return filterSessions(this.recorder.sessions, filter);
  }

  /** The dropped sessions `filter` would have selected; undefined when none. */
  dropped(filter: SessionFilter = {}): DroppedSessions | undefined {
    return this.recorder.dropped(filter);
  }

  /** Commands of every matching session, in arrival order, as `'RETR 1'` (secrets masked). */
  commands(filter: SessionFilter = {}): string[] {
    return this.sessions(filter).flatMap((s) => s.commands());
  }

  /** Resolves with the first event matching `predicate`; the timeout error lists what was seen instead. */
  waitFor(
    predicate: (event: Pop3Event) => boolean,
    options: WaitTimeout & { what?: string } = {},
  ): Promise<Pop3Event> {
    return waitForEvent(
      this.hub,
      this.clock,
      options.what ?? 'a matching event',
      predicate,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      { waits: this.waits },
    );
  }

  /**
   * Resolves with the next command that matches (see {@link CommandPattern}).
   * The command is recorded on arrival, so this resolves before its reply is sent.
   */
  async waitForCommand(
    pattern: CommandPattern,
    options: WaitForCommandOptions = {},
    /**
     * @internal The control API's: which commands recorded before the wait
     * began arrived after the remote call was made (its request's travel
     * would miss them); see `Pop3Mock.waitForCommandArrivedSince`.
     */
    arrivedAfterCall?: (command: LocatedCommand) => boolean,
  ): Promise<LocatedCommand> {
    const past = this.sessions(options).flatMap((s) => s.locatedCommands());
    if (options.includePast || arrivedAfterCall !== undefined) {
      const earlier = past.find(
        (c) => (options.includePast || arrivedAfterCall!(c)) && matchesCommand(pattern, c),
      );
      // One that arrived after the remote call is given as on arrival, as an in-process wait gives
      // it: its reply was sent while the request travelled, which an in-process wait never sees.
      if (earlier) return arrivedAfterCall?.(earlier) ? asArrived(earlier) : earlier;
    }
    // Located as it arrives: position and user as they were then, not when the wait resumes.
    let found: LocatedCommand | undefined;
    // With a user: a command before login (USER, PASS, AUTH ...) is that user's once its session logs
    // in as it or is refused as it, as verify() counts it; until then it waits here, the earliest per session.
    const beforeLogin = new Map<number, LocatedCommand>();
    // Sessions not logged in that tried the user: the user's (isSessionOf), their commands taken at once.
    const tried = new Set<number>();
    const matches = (e: Pop3Event): boolean => {
      if (options.user !== undefined && (e.type === 'auth' || e.type === 'session-end')) {
        const held = beforeLogin.get(e.sessionId);
        // Logged in as the user or refused as it: the session is the user's either way.
        if (e.type === 'auth' && e.user === options.user) {
          if (held) {
            found = held;
            return true;
          }
          if (e.result !== 'ok') tried.add(e.sessionId);
        }
        if (e.type === 'session-end' || e.result === 'ok') {
          beforeLogin.delete(e.sessionId);
          tried.delete(e.sessionId);
        }
        return false;
      }
      const located = this.locate(e);
      if (!located) return false;
      if (options.user !== undefined && located.user === undefined) {
        if (
          tried.has(located.sessionId) &&
          this.matchesLive(pattern, located, { sessionId: options.sessionId })
        ) {
          found = located;
          return true;
        }
        const heldFor = beforeLogin.has(located.sessionId);
        if (!heldFor && this.matchesLive(pattern, located, { sessionId: options.sessionId }))
          beforeLogin.set(located.sessionId, located);
        return false;
      }
      if (!this.matchesLive(pattern, located, options)) return false;
      found = located;
      return true;
    };
    await waitForEvent(
      this.hub,
      this.clock,
      `the command ${describePattern(pattern)}${options.user !== undefined ? ` from user ${JSON.stringify(options.user)}` : ''}`,
      matches,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      {
        waits: this.waits,
        context: () => {
          const dropped = this.dropped(options);
          const note = dropped
            ? [`Not looked at for includePast: ${describeDropped(dropped, { filter: options })}.`]
            : [];
          // What the wait looked at before it began is said too: "saw meanwhile: nothing" alone would say it looked at nothing.
          if (options.includePast)
            return [
              ...lookedAt(past, pattern, 'received before the wait began too (includePast)'),
              ...note,
            ].join('\n');
          const between =
            arrivedAfterCall === undefined
              ? []
              : lookedAt(
                  past.filter(arrivedAfterCall),
                  pattern,
                  'that arrived between the call and its request reaching the server',
                  false,
                );
          const before = past.filter((c) => matchesCommand(pattern, c));
          if (before.length === 0) return [...between, ...note].join('\n');
          return [
            ...between,
            'It had been received before the wait began (pass { includePast: true } to accept that):',
            ...before.slice(0, 5).map((c) => `  ${describeLocated(c)}`),
            ...note,
          ].join('\n');
        },
      },
    );
    return found!;
  }

  /**
   * Resolves with the record of the next session to connect; with `since`,
   * the first session whose id is greater, at once if it has already begun.
   */
  async nextSession(options: SessionWaitOptions = {}): Promise<SessionRecord> {
    const { since } = options;
    if (since !== undefined) {
      const begun = this.firstAfter(since);
      if (begun) return begun;
    }
    const event = await waitForEvent(
      this.hub,
      this.clock,
      since === undefined ? 'a new session' : `a session after session ${since}`,
      (e) => e.type === 'session-start' && (since === undefined || e.sessionId > since),
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      {
        waits: this.waits,
        context: () => {
          const all = this.recorder.sessions;
          if (all.length === 0) return 'No client has connected since the start (or the last reset).';
          const last = all.at(-1)!;
          return `${all.length} session(s) had started before; the last, session ${last.id}, is ${
            last.ended ? `ended (${last.endReason})` : `open in ${last.state}`
          }. Use sessionEnd() or pop3.sessions to look at it.`;
        },
      },
    );
    return this.recorder.get(event.sessionId)!;
  }

  /**
   * Resolves when a session has ended (now, if it already has). Without an
   * argument: the most recent session, or the next one if none started yet;
   * with `since` (and no session), the first session whose id is greater.
   */
  async sessionEnd(session?: SessionRecord, options: SessionWaitOptions = {}): Promise<SessionRecord> {
    const given =
      session ??
      (options.since === undefined ? this.recorder.sessions.at(-1) : this.firstAfter(options.since)) ??
      (await this.nextSession(options));
    // reset() restarts a live session's record in a new one: the record kept now is the one that
    // hears the session's end (a record from before the reset stops at its `reset`).
    const current = () => this.recorder.get(given.id) ?? given;
    const target = current();
    if (target.ended) return target;
    let ended = target;
    await waitForEvent(
      this.hub,
      this.clock,
      `the end of session ${target.id}`,
      (e) => {
        if (e.type !== 'session-end' || e.sessionId !== target.id) return false;
        ended = current();
        return true;
      },
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      {
        waits: this.waits,
        context: () => {
          const now = current();
          const last = now.locatedCommands().at(-1);
          const doing =
            last === undefined ? 'no command received yet' : `last command ${describeLocated(last)}`;
          return `Session ${now.id} is still open in ${now.state}; ${doing}.`;
        },
      },
    );
    return ended;
  }

  /**
   * Throws a `VerificationError` unless the command was received (at least
   * once, or `times`); the message lists the closest commands seen.
   * `users`: the server's users, so a filter naming one it never had is
   * refused, not judged (a misspelt user would pass `times: 0`).
   */
  verify(pattern: CommandPattern, options: VerifyOptions = {}, users?: readonly string[]): number {
    return verifyReceived(this.recorder.sessions, pattern, options, this.dropped(options), users);
  }

  /**
   * The matching sessions as `C:`/`S:` text, secrets masked unless `{ secrets: true }`;
   * a first `--` line says when some of them were dropped (`keepSessions`).
   */
  render(options: RenderOptions & SessionFilter = {}): string {
    const text = renderSessions(this.sessions(options), options);
    const dropped = this.dropped(options);
    if (!dropped) return text;
    const line = `-- ${describeDropped(dropped, { filter: options, stable: options.stable })}`;
    return text === '' ? line : `${line}\n\n${text}`;
  }

  /** Every matching session as plain data for a JSON file, secrets masked unless `{ secrets: true }`. */
  exportJSON(options: JsonOptions & SessionFilter = {}): TranscriptExport {
    return exportSessions(this.sessions(options), options, this.dropped(options));
  }

  /** A user's mailbox now, what UPDATE removed from it and what its sessions retrieved. */
  outcome(mailbox: MailboxView): MailboxOutcome {
    const sessions = this.sessions({ user: mailbox.user });
    const dropped = this.dropped({ user: mailbox.user });
    const numberOf = (sessionId: number, uid: string) =>
      this.recorder.get(sessionId)?.deleted.find((d) => d.uid === uid)?.number;
    return {
      user: mailbox.user,
      remaining: mailbox.messages().map(({ number, uid, size }) => ({ number, uid, size })),
      deleted: mailbox.deleted().map(({ uid, size, sessionId, deletedAt }) => ({
        uid,
        size,
        sessionId,
        number: numberOf(sessionId, uid),
        deletedAt,
      })),
      retrieved: sessions.flatMap((s) =>
        s.retrieved.map(({ number, uid }) => ({ sessionId: s.id, number, uid })),
      ),
      ...(dropped === undefined ? {} : { dropped }),
    };
  }

  /**
   * Rejects every pending wait (server closing); `reason` goes into the error
   * message. Call it after destroying the sessions: it first lets every open
   * session report its end (up to 1 s), so a wait for a session's end that
   * the closing causes still resolves.
   */
  async cancelWaits(reason: string): Promise<void> {
    const open = new Set(this.recorder.sessions.filter((s) => !s.ended).map((s) => s.id));
    if (open.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 1000);
        timer.unref();
        const stop = this.hub.on('*', (e) => {
          if (e.type === 'session-end' && open.delete(e.sessionId) && open.size === 0) done();
        });
        function done() {
          clearTimeout(timer);
          stop();
          resolve();
        }
      });
    }
    this.waits.close(reason);
  }

  /** The recorded session with the smallest id greater than `since`. */
  private firstAfter(since: number): SessionRecord | undefined {
    let first: SessionRecord | undefined;
    for (const s of this.recorder.sessions) if (s.id > since && (!first || s.id < first.id)) first = s;
    return first;
  }

  private matchesLive(pattern: CommandPattern, located: LocatedCommand, filter: SessionFilter): boolean {
    if (filter.sessionId !== undefined && located.sessionId !== filter.sessionId) return false;
    if (filter.user !== undefined && located.user !== filter.user) return false;
    return matchesCommand(pattern, located);
  }

  /** A command event, while it is dispatched, as a {@link LocatedCommand} (its record has it already: see Pop3Mock.publish). */
  private locate(event: Pop3Event): LocatedCommand | undefined {
    if (event.type !== 'command') return undefined;
    const record = this.recorder.get(event.sessionId);
    // Counted, not read from the events: a wait pending through a long session would make them objects and scan them per command.
    const index = record ? record[COMMAND_COUNT] : 1;
    const { verb, args, raw, state, at, sessionId } = event;
    return { verb, args, raw, state, at, sessionId, index, user: record?.user, reply: undefined };
  }
}
