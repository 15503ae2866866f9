import type { Pop3Mock } from '../server/pop3-mock';
import { eventLines, type LineContext, newLineContext, printable } from '../transcript/render';
import { type DroppedSessions, describeDropped } from '../transcript/retention';
import type { SessionRecord } from '../transcript/session-record';
import type { Pop3Event } from '../vocabulary';
import { seg } from './html';

/** What kind of transcript line: styles it, and marks faults and collapsed bodies. */
export type LineKind = 'client' | 'server' | 'body' | 'note' | 'fault';

/** One transcript line as the view shows it: the library's text, redacted. */
export interface UiLine {
  kind: LineKind;
  text: string;
  /** For a RETR body: the message page of the message that was sent. */
  href?: string;
}

/** The session list shows the newest this many sessions. */
export const LIST_LIMIT = 500;

/** Columns of the session list, in order; the same keys label the session page's facts. */
export const SESSION_FIELDS = [
  ['user', 'User'],
  ['tls', 'TLS'],
  ['started', 'Started (UTC)'],
  ['duration', 'Duration'],
  ['ended', 'Ended'],
  ['faults', 'Faults applied'],
] as const;

export type SessionField = (typeof SESSION_FIELDS)[number][0];

/** A session as one row of the list: every cell already text. */
export interface SessionSummary {
  id: number;
  href: string;
  ended: boolean;
  /** `Session open (TRANSACTION).` or `Session ended: quit-update.` */
  status: string;
  cells: Record<SessionField, string>;
}

const TLS_TEXT = { none: 'no', stls: 'STLS', implicit: 'implicit (POP3S)' } as const;

/** `12:34:56.789` (UTC) from a time in milliseconds. */
export const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

/** `1.2 KB`-style size, with the exact octets when it is not small. */
export function octets(n: number): string {
  if (n < 1024) return `${n} octets`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]} (${n} octets)`;
}

export function summarize(record: SessionRecord): SessionSummary {
  const faults = record.faults.map((f) => `${f.ruleId} (${f.action})`);
  return {
    id: record.id,
    href: `/ui/sessions/${record.id}`,
    ended: record.ended,
    status: record.ended ? `Session ended: ${record.endReason}.` : `Session open (${record.state}).`,
    cells: {
      user: record.user === undefined ? 'not logged in' : printable(record.user),
      tls: TLS_TEXT[record.tls],
      started: clockTime(record.startedAt.getTime()),
      duration: record.durationMs === undefined ? 'running' : `${record.durationMs} ms`,
      ended: record.endReason ?? 'open',
      faults: faults.length === 0 ? 'none' : faults.join(', '),
    },
  };
}

/**
 * Turns a session's events into view lines with the library's own renderer
 * ({@link eventLines}, secrets masked), so the view shows exactly the lines
 * `pop3.transcript()` prints. Keeps what it needs between calls, so lines can
 * be rendered as events arrive.
 */
export class LineRenderer {
  private readonly ctx: LineContext = newLineContext();
  private retrievedUid: string | undefined;

  constructor(private readonly record: SessionRecord) {}

  lines(events: readonly Pop3Event[]): UiLine[] {
    const out: UiLine[] = [];
    for (const event of events) {
      if (event.type === 'session-start') continue;
      if (event.type === 'retrieve') this.retrievedUid = event.uid;
      const texts = eventLines(event, this.ctx);
      if (event.type === 'reply') {
        const uid = this.retrievedUid;
        this.retrievedUid = undefined;
        const user = this.record.user;
        const href =
          uid !== undefined && user !== undefined
            ? `/ui/mailboxes/${seg(user)}/messages/${seg(uid)}`
            : undefined;
        for (const [i, text] of texts.entries()) {
          // After the first line: `S: [N octets of data]` stands for the body, `S: .` ends it,
          // and a reply cut short ends with a `--` note of where.
          if (text.startsWith('-- ')) out.push({ kind: 'note', text });
          else if (i === 0 || !text.startsWith('S: [')) out.push({ kind: 'server', text });
          else out.push(href ? { kind: 'body', text, href } : { kind: 'body', text });
        }
        continue;
      }
      const kind: LineKind =
        event.type === 'command' || event.type === 'sasl-response'
          ? 'client'
          : event.type === 'fault'
            ? 'fault'
            : 'note';
      for (const text of texts) out.push({ kind, text });
    }
    return out;
  }
}

/** The view's sentence on dropped sessions (`keepSessions`); undefined when none was dropped. */
export function droppedText(pop3: Pop3Mock): string | undefined {
  const dropped = pop3.droppedSessions();
  return dropped && sentence(describeDropped(dropped));
}

/**
 * The mailbox page's sentence on the user's dropped sessions, as `outcome(user).dropped`
 * says: what they retrieved is not in the outcome, so "no" may not mean never retrieved.
 */
export function droppedOfUser(user: string, dropped: DroppedSessions | undefined): string | undefined {
  if (!dropped) return undefined;
  const what = dropped.sessions === 1 ? 'what it retrieved is' : 'what they retrieved is';
  return sentence(`${describeDropped(dropped, { filter: { user } })}; ${what} not counted under Retrieved`);
}

const sentence = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}.`;
