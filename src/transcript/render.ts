import type * as z from 'zod';
import { assertNever } from '../assert-never';
import { MADE_ID } from '../rule-id';
import type { renderOptions } from '../schema/queries';
import type { Same } from '../schema/same-type';
import type {
  EndReason,
  PlaintextDroppedCause,
  Pop3Event,
  SessionState,
  TlsAlertName,
  TlsFailureCause,
  TlsMode,
} from '../vocabulary';
import { MASK, redactDroppedLine, redactLine } from './redact';

/** The note of a failed handshake whose cause is not an alert. */
// Every cause that is not an alert has its text (a new one fails to compile without).
const TLS_FAILURE_TEXT: Readonly<Record<Exclude<TlsFailureCause, TlsAlertName>, string>> = {
  'no-alert': 'the client closed without an alert',
  'server-error': 'the client sent what the server refused',
  'no-handshake': 'the client sent no handshake before it closed',
  'not-tls': 'the client sent no TLS handshake (not TLS)',
  'server-ended': 'the server ended the session before the handshake completed',
};

const DROPPED_CAUSE: Readonly<Record<PlaintextDroppedCause, string>> = {
  'after-stls': 'pipelined after STLS',
  'instead-of-handshake': 'sent instead of the TLS handshake',
};

/**
 * Options of the `C:`/`S:` text rendering: `record.render()`'s, and
 * `transcript()`'s besides which sessions. Checked at run time at both: a
 * misspelt key or a value not true or false is an `InputError` naming it.
 */
export interface RenderOptions {
  /**
   * Output that does not change from run to run, for snapshots: no times or
   * ports, sessions numbered 1, 2, ... in the order rendered, APOP greeting
   * timestamps and timestamp-bearing SASL challenges replaced by placeholders,
   * a given rule id without its process's tag (`rule-7`).
   */
  stable?: boolean;
  /** Print PASS, APOP digests and SASL data as sent. Default false: masked. */
  secrets?: boolean;
  /** `--` lines for login results, TLS, UPDATE and how the session ended. Default true. */
  notes?: boolean;
  /** A `#` line naming the session before its lines. Default true. */
  header?: boolean;
  /** Prefix lines with the time since the session started, `[+12ms]`. Default false. `stable` output has none: `transcript()` and `record.render()` refuse the two together. */
  timestamps?: boolean;
}

/** Fails to compile the day {@link RenderOptions} and the schema that checks them part. */
export const renderOptionsMatchSchema: Same<RenderOptions, z.input<typeof renderOptions>> = true;

/** What rendering needs of a session: a `SessionRecord` has all of it. */
export interface SessionView {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly tls: TlsMode;
  readonly user: string | undefined;
  readonly state: SessionState;
  readonly startedAt: Date;
  readonly endedAt: Date | undefined;
  readonly endReason: EndReason | undefined;
  readonly events: readonly Pop3Event[];
}

/** Per-session state of a line renderer: whether the greeting has gone out yet. */
export interface LineContext {
  commands: number;
  replies: number;
}

export const newLineContext = (): LineContext => ({ commands: 0, replies: 0 });

/** The line context of a session in a map of them, created on first use. */
export function contextFor(contexts: Map<number, LineContext>, sessionId: number): LineContext {
  let ctx = contexts.get(sessionId);
  if (!ctx) {
    ctx = newLineContext();
    contexts.set(sessionId, ctx);
  }
  return ctx;
}

/**
 * The transcript lines of one event: `C:` for what the client sent, `S:` for
 * what the server sent, `--` for notes. Updates `ctx`.
 */
export function eventLines(event: Pop3Event, ctx: LineContext, options: RenderOptions = {}): string[] {
  const notes = options.notes ?? true;
  switch (event.type) {
    case 'session-start': {
      const from = options.stable ? event.remoteAddress : `${event.remoteAddress}:${event.remotePort}`;
      return notes ? [`-- connected from ${from}${event.tls === 'implicit' ? ' (implicit TLS)' : ''}`] : [];
    }
    case 'command':
      ctx.commands++;
      return [`C: ${printable(options.secrets ? event.raw : redactLine(event.raw))}`];
    case 'sasl-response':
      return [`C: ${options.secrets ? printable(event.raw) : MASK}`];
    case 'reply':
      return replyLines(event, ctx, options);
    case 'reply-unsent':
      // Always shown, notes or not: no `S:` line, yet the reader learns what the client never got.
      return [`-- not sent (no octet reached the client): ${printable(event.line)}`];
    case 'auth':
      return notes ? [`-- login ${event.result}: ${printable(event.user)} via ${event.mechanism}`] : [];
    case 'tls':
      return notes ? [`-- TLS established (${event.mode === 'stls' ? 'STLS' : 'implicit'})`] : [];
    case 'update': {
      if (!notes) return [];
      const gone = event.deleted.map((m) => `${m.number} (${m.uid})`).join(', ');
      return [`-- UPDATE: ${gone === '' ? 'nothing deleted' : `deleted ${gone}`}`];
    }
    case 'reset': {
      // Always shown: it says why the transcript does not start with the greeting.
      const who = event.user === undefined ? '' : `, user ${printable(event.user)}`;
      return [`-- recording restarted by reset() (state ${event.state}${who}); earlier events forgotten`];
    }
    case 'session-end':
      return notes ? [`-- ended: ${event.reason}`] : [];
    case 'fault': {
      // A given id's tag differs in every process: a stable transcript leaves it out.
      const id = options.stable ? event.ruleId.replace(MADE_ID, 'rule-$1') : event.ruleId;
      return [`-- fault ${id}: ${event.description}`];
    }
    case 'tls-failed': {
      const why = event.reason === '' ? '' : ` (${printable(event.reason)})`;
      return [
        `-- TLS handshake failed (${event.mode === 'stls' ? 'STLS' : 'implicit'}): ${Object.hasOwn(TLS_FAILURE_TEXT, event.cause) ? TLS_FAILURE_TEXT[event.cause as keyof typeof TLS_FAILURE_TEXT] : `the client sent the alert ${event.cause}`}${why}`,
      ];
    }
    case 'plaintext-dropped': {
      const line = printable(options.secrets ? event.raw : redactDroppedLine(event.raw));
      return [`C: ${line}   <- dropped unread: ${DROPPED_CAUSE[event.cause]}`];
    }
    case 'line-too-long': {
      // Its start only: the rest was never read.
      const line = printable(options.secrets ? event.raw : redactDroppedLine(event.raw));
      return [`C: ${line}...   <- not read: longer than the ${event.limit}-octet limit`];
    }
    case 'internal-error':
      // Always shown, notes or not: it is a bug in the mock, not something the client did.
      return [`!: internal error: ${printable(event.message)}`];
    case 'state':
    case 'retrieve':
      // Visible already from the commands and replies around them.
      return [];
    default:
      return assertNever(event);
  }
}

function replyLines(event: Extract<Pop3Event, { type: 'reply' }>, ctx: LineContext, options: RenderOptions) {
  const greeting = ctx.commands === 0 && ctx.replies === 0;
  ctx.replies++;
  const stableGreeting = options.stable === true && greeting;
  let line = event.line;
  if (stableGreeting) line = line.replace(/<[^<>]*>/g, '<timestamp>');
  const challenge = options.stable === true && event.status === '+' && /<[^<>]*>/.test(decodeChallenge(line));
  if (challenge) line = '+ <challenge>';
  if (event.wholeBytes !== undefined) {
    // Stable output masks a timestamp or challenge cut in the middle too.
    const mask = (part: string) =>
      challenge && part.length > 2
        ? '+ <challenge'
        : stableGreeting
          ? part.replace(/<[^<>]*>/g, '<timestamp>').replace(/<[^<>]*$/, '<timestamp')
          : part;
    return cutReplyLines(event, event.wholeBytes, line, mask);
  }
  const out = [`S: ${printable(line)}`];
  // Bytes after the first line: data lines (dot-stuffed) and the `.` CRLF terminator.
  const extra = event.bytes - (Buffer.byteLength(event.line) + 2);
  if (extra >= 3) {
    if (extra > 3) out.push(`S: [${extra - 3} octets of data]`);
    out.push('S: .');
  } else if (extra > 0) {
    out.push(`S: [${extra} octets]`);
  }
  return out;
}

/** After the octets that went out of a reply cut short: where the cut was. */
const CUT_HERE = '   <- cut here';

/**
 * A reply cut short, as far as it reached the client: its first line (`line`,
 * as shown) or the part of it that went out (`mask`ed as the line is), the
 * data octets that went out, the terminator only as far as it did, then a
 * note with the octets out of the whole. The shape is read from the whole
 * reply's size as a whole reply's is from `bytes`: more than 2 octets after
 * the first line are data and the `.` CRLF terminator. The note is shown
 * notes or not: without it the lines read as a reply that ended.
 */
function cutReplyLines(
  event: Extract<Pop3Event, { type: 'reply' }>,
  wholeBytes: number,
  line: string,
  mask: (part: string) => string,
): string[] {
  const sent = event.bytes;
  const head = Buffer.byteLength(event.line) + 2;
  const note = `-- reply cut after ${sent} of ${wholeBytes} octets; the rest never reached the client`;
  if (sent < head) return [`S: ${printable(mask(sentPart(event.line, sent)))}${CUT_HERE}`, note];
  const out = [`S: ${printable(line)}`];
  const after = sent - head;
  const afterWhole = wholeBytes - head;
  if (afterWhole >= 3) {
    const data = afterWhole - 3;
    const dataSent = Math.min(after, data);
    if (dataSent > 0) {
      out.push(
        dataSent < data ? `S: [${dataSent} of ${data} octets of data]` : `S: [${data} octets of data]`,
      );
    }
    // 1 or 2 octets of the terminator went out: `.`, or `.` and its CR.
    const terminator = after - dataSent;
    if (terminator > 0) out.push(`S: ${printable('.\r'.slice(0, terminator))}${CUT_HERE}`);
  } else if (after > 0) {
    out.push(`S: [${after} of ${afterWhole} octets]`);
  }
  out.push(note);
  return out;
}

/**
 * What went out of a reply's first line when the first `bytes` octets of the
 * reply did: `line` itself when its CRLF did too (or its CR, then `line` and
 * a CR), else its whole characters (UTF-8) within those octets, with the
 * octets of a character cut in two written `\xNN`.
 */
export function sentPart(line: string, bytes: number): string {
  const octets = Buffer.from(line);
  if (bytes >= octets.length) return bytes === octets.length + 1 ? `${line}\r` : line;
  // Back to the first octet of the character the cut is in (a UTF-8 continuation octet is 10xxxxxx).
  let whole = bytes;
  while (whole > 0 && (octets[whole]! & 0xc0) === 0x80) whole--;
  let dangling = '';
  for (const octet of octets.subarray(whole, bytes)) dangling += `\\x${octet.toString(16).padStart(2, '0')}`;
  return octets.subarray(0, whole).toString('utf8') + dangling;
}

function decodeChallenge(line: string): string {
  return Buffer.from(line.slice(2), 'base64').toString('latin1');
}

/**
 * Characters a reader that knows Unicode obeys rather than shows (a browser, an editor, a CI
 * log page): bidi controls, which reorder the rest of a line (`NOOP \u202eABC` reads `NOOP CBA`),
 * and the line and paragraph separators, which break it.
 */
export const FORMAT_CHARACTERS = '\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069';

const UNPRINTABLE = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f${FORMAT_CHARACTERS}]`, 'g');

/**
 * Control characters (C0, DEL, C1) shown as `\xNN`, {@link FORMAT_CHARACTERS} as `\uNNNN`, so a
 * line always prints as one line, and as what was sent.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One session as `C:`/`S:` text, RFC 1939 example style. */
export function renderSession(record: SessionView, options: RenderOptions = {}, ordinal?: number): string {
  const lines: string[] = [];
  if (options.header ?? true) lines.push(header(record, options, ordinal));
  const ctx = newLineContext();
  const start = record.startedAt.getTime();
  const stamp = options.timestamps && !options.stable;
  for (const event of record.events) {
    if (event.type === 'session-start') continue;
    for (const line of eventLines(event, ctx, options)) {
      lines.push(stamp ? `[+${event.at - start}ms] ${line}` : line);
    }
  }
  if (!record.endReason && (options.notes ?? true)) lines.push(`-- still open (${record.state})`);
  return lines.join('\n');
}

/** Several sessions, separated by a blank line; with `stable`, numbered 1, 2, ... in this order. */
export function renderSessions(records: readonly SessionView[], options: RenderOptions = {}): string {
  return records.map((r, i) => renderSession(r, options, i + 1)).join('\n\n');
}

function header(record: SessionView, options: RenderOptions, ordinal: number | undefined): string {
  const who = record.user === undefined ? 'not logged in' : printable(record.user);
  const tls = record.tls === 'none' ? 'no TLS' : record.tls === 'stls' ? 'TLS via STLS' : 'implicit TLS';
  if (options.stable) return `# session ${ordinal ?? 1} (${who}), ${tls}`;
  const parts = [
    `# session ${record.id} (${who})`,
    `from ${record.remoteAddress}:${record.remotePort}`,
    tls,
    `started ${record.startedAt.toISOString()}`,
  ];
  if (record.endedAt) parts.push(`lasted ${record.endedAt.getTime() - record.startedAt.getTime()} ms`);
  return parts.join(', ');
}
