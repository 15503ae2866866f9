import type { EndReason, Pop3Event, SessionState, TlsMode } from '../vocabulary';
import { locateCommands, printedCommand } from './pattern';
import { redactEvent } from './redact';
import { type RenderOptions, renderSession, type SessionView } from './render';
import type { DroppedSessions } from './retention';
import { type TlsFailure, type TlsRefusal, tlsFailureOf, tlsRefusalOf } from './tls-refusal';

/** Options of the JSON export. */
export interface JsonOptions {
  /** Keep PASS, APOP digests and SASL data as sent. Default false: masked. */
  secrets?: boolean;
}

/** A session as plain JSON data; the same field names as `SessionRecord`. */
export interface SessionJSON {
  id: number;
  user: string | null;
  remoteAddress: string;
  remotePort: number;
  tls: TlsMode;
  state: SessionState;
  /** ISO 8601. */
  startedAt: string;
  endedAt: string | null;
  endReason: EndReason | null;
  /** `'RETR 1'`, ... */
  commands: string[];
  retrieved: { number: number; uid: string }[];
  deleted: { number: number; uid: string }[];
  /** Errors inside the mock (each answered `-ERR` and ended the session); `at` in milliseconds since the epoch. */
  errors: { message: string; stack?: string; at: number }[];
  /** The client's refusal of TLS (see `SessionRecord.tlsRefusal`); null when it did not refuse. */
  tlsRefusal: TlsRefusal | null;
  /** The TLS handshake that did not complete, whoever caused it (see `SessionRecord.tlsFailure`); null when none failed. */
  tlsFailure: TlsFailure | null;
  /** Events in order; `at` in milliseconds since the epoch. */
  events: Pop3Event[];
  /** The `C:`/`S:` rendering, one string per line, for people reading a CI artifact. */
  transcript: string[];
}

/** Every session, for a file kept by a CI job. */
export interface TranscriptExport {
  format: 'pop3-mock-transcripts';
  version: 1;
  /**
   * Ended sessions this export would hold but the recorder dropped
   * (`keepSessions`): how many, the newest id among them, the limit. Null when none.
   */
  dropped: DroppedSessions | null;
  sessions: SessionJSON[];
}

/** What the export needs of a session: a `SessionRecord` has all of it. */
export interface ExportableSession extends SessionView {
  readonly retrieved: readonly { number: number; uid: string }[];
  readonly deleted: readonly { number: number; uid: string }[];
  readonly errors: readonly { message: string; stack?: string; at: number }[];
}

export function sessionToJSON(record: ExportableSession, options: JsonOptions = {}): SessionJSON {
  const secrets = options.secrets ?? false;
  const render: RenderOptions = { secrets };
  return {
    id: record.id,
    user: record.user ?? null,
    remoteAddress: record.remoteAddress,
    remotePort: record.remotePort,
    tls: record.tls,
    state: record.state,
    startedAt: record.startedAt.toISOString(),
    endedAt: record.endedAt?.toISOString() ?? null,
    endReason: record.endReason ?? null,
    commands: locateCommands(record).map((c) => printedCommand(c, secrets)),
    retrieved: record.retrieved.map(({ number, uid }) => ({ number, uid })),
    deleted: record.deleted.map(({ number, uid }) => ({ number, uid })),
    errors: record.errors.map((e) => ({ ...e })),
    tlsRefusal: refusalJSON(record.events, secrets),
    tlsFailure: tlsFailureOf(record.events) ?? null,
    events: record.events.map((e) => (secrets ? { ...e } : redactEvent(e))),
    transcript: renderSession(record, render).split('\n'),
  };
}

/** Commands in it masked unless `secrets`, like `commands`. */
function refusalJSON(events: readonly Pop3Event[], secrets: boolean): TlsRefusal | null {
  const refusal = tlsRefusalOf(events, secrets);
  return refusal ? { ...refusal } : null;
}

export function exportSessions(
  records: readonly ExportableSession[],
  options: JsonOptions = {},
  dropped?: DroppedSessions,
): TranscriptExport {
  return {
    format: 'pop3-mock-transcripts',
    version: 1,
    dropped: dropped === undefined ? null : { ...dropped },
    sessions: records.map((r) => sessionToJSON(r, options)),
  };
}
