import type { Maildrop } from '../mailbox/maildrop';
import type { Pending } from '../pending';
import type { Reply } from '../protocol/reply';
import type { SessionState } from '../vocabulary';
import type { ByteSink, WriteOptions } from '../wire';

/** How a reply is written, and how a bug mode bends it first. */
export interface ReplyShape extends WriteOptions {
  bend?: (reply: Reply) => { reply: Reply; stuff: boolean };
  /**
   * Runs once the reply is written and recorded, before what follows it
   * (QUIT's close, STLS's handshake): a byte-count cut of a reply shorter
   * than its count closes there.
   */
  replied?: () => Pending;
}

/** Sends the normal reply (the greeting, or the command's), written with the shape a fault gives it. */
export type SendNormally = (shape?: ReplyShape) => Pending;

/** A command as the fault hook sees it, before it runs. */
export interface CommandFacts {
  readonly verb: string;
  readonly args: readonly string[];
  readonly state: SessionState;
  /** The logged-in user; before login, the name USER or APOP gives (on its own line too), none on AUTH. */
  readonly user: string | undefined;
  /** The session's maildrop, for the bug modes that renumber or cut replies. */
  readonly maildrop: Maildrop | undefined;
  /** The command, run now, would start a TLS handshake (STLS accepted): only then may a handshake fault fire. */
  readonly startsTls: boolean;
  /** The server answers this verb (`capabilities`, the dialect): a bug mode bends no reply of a verb it leaves out. */
  readonly offered: boolean;
}

/**
 * Where faults reach into a session: at the greeting and before each command.
 * When no rule fires, a hook point only sends the normal reply, and the sink
 * is the connection itself.
 */
export interface FaultHook extends ByteSink {
  /** Writes under every reply: to the connection, or through a connection-wide fault over it. */
  write(chunk: Buffer): Pending<number>;
  /** Whether a fault may be holding a reply now. */
  readonly waiting: boolean;
  /** No rule can match a command with this verb (upper-case): it runs as it is, with no facts gathered for matching. */
  idleFor(verb: string): boolean;
  greeting(send: SendNormally): Pending;
  command(command: CommandFacts, run: SendNormally): Pending;
  /** Releases every pending wait: delayed and hung replies go out now. */
  cancel(): void;
  /** After `reset()`: {@link cancel}, and a rule still shaping the connection fires again in the restarted counts. */
  restart(): void;
}
