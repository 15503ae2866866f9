import type { ServerResponse } from 'node:http';
import type * as z from 'zod';
import { MAX_UNREAD_OCTETS } from '../control/http-util';
import type { uiEventsQuery } from '../schema/control-api';
import type { Pop3Mock } from '../server/pop3-mock';
import type { SessionRecord } from '../transcript/session-record';
import { SECURITY_HEADERS } from './respond';
import { droppedText, LIST_LIMIT, LineRenderer, summarize } from './view-model';

/** `/ui/events`'s query, checked (schema/control-api.ts). */
type UiEventsQuery = z.output<typeof uiEventsQuery>;

/** How often the session list is brought up to date while sessions run. */
const LIST_INTERVAL = 50;

/**
 * Server-sent events for the view, from the same event hub as
 * `/api/events` (an event reaches it once the recorder has it). The listener on the hub only marks
 * what changed and schedules one flush with `setImmediate`: rendering and
 * writing happen off the POP3 data path, batched.
 *
 * Without `session`: `event: session` with a {@link summarize} row for every
 * session on connect and for each session touched since, and `event:
 * dropped` with the sentence on dropped sessions (`keepSessions`) when it
 * changes (null: none). With
 * `session=ID&from=N`: `event: lines`, the transcript lines of that
 * session's events from index N on (the page rendered those before N), so a
 * page that opens while a session runs neither misses nor repeats a line;
 * `event: restarted` when `reset()` restarted the live session's record since
 * the page was rendered (`resets=K`, the count it was rendered at) or since
 * the stream began: the page drops its lines, and lines follow from the new
 * record's first; `event: gone` when the record is no more (dropped, or ended
 * and forgotten by `reset()`).
 */
export function openStream(pop3: Pop3Mock, res: ServerResponse, query: UiEventsQuery): void {
  const sessionId = query.session;
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const flush =
    sessionId === undefined ? listFlusher(pop3, send) : sessionFlusher(pop3, sessionId, query, send);

  // A transcript line shows at once; the list, which any event of any session
  // touches, is sent at most every LIST_INTERVAL ms.
  const schedule = sessionId === undefined ? (fn: () => void) => setTimeout(fn, LIST_INTERVAL) : setImmediate;
  let scheduled = false;
  let closed = false;
  const run = () => {
    scheduled = false;
    if (closed) return;
    if (flush() === 'done') res.end();
    // A browser that reads too slowly is dropped; it reconnects and catches up.
    else if (res.writableLength > MAX_UNREAD_OCTETS) res.destroy();
  };
  // Subscribed before the answer begins, as the control API's stream: a server closed meanwhile is a 410, not a 200 cut off.
  const stop = pop3.on('*', (event) => {
    if (sessionId !== undefined && event.sessionId !== sessionId) return;
    flush.touched(event.sessionId);
    if (!scheduled) {
      scheduled = true;
      schedule(run);
    }
  });
  // The headers of every page too: the stream is the view's, and opened on its own it is an answer like the others.
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    connection: 'keep-alive',
  });
  res.write(': pop3-mock ui\n\n');
  res.on('close', () => {
    closed = true;
    stop();
  });
  run();
}

type Send = (event: string, data: unknown) => void;
type Flusher = (() => 'more' | 'done') & { touched(id: number): void };

function listFlusher(pop3: Pop3Mock, send: Send): Flusher {
  // On connect every session is sent: the page may have been rendered a moment before.
  let all = true;
  // Not the records: keepSessions drops the oldest ones as sessions end.
  let resets = pop3.resets;
  // The sentence on dropped sessions the page shows: sent when it changes (null: none).
  let dropped: string | undefined;
  const touched = new Set<number>();
  const flush = () => {
    // reset() forgot the transcripts (and what was dropped): the page starts over.
    if (pop3.resets !== resets) {
      send('reset', {});
      all = true;
      dropped = undefined;
    }
    resets = pop3.resets;
    const droppedNow = droppedText(pop3);
    if (droppedNow !== dropped) send('dropped', { text: droppedNow ?? null });
    dropped = droppedNow;
    if (all) {
      all = false;
      touched.clear();
      for (const record of pop3.sessions.slice(-LIST_LIMIT)) send('session', summarize(record));
      return 'more' as const;
    }
    for (const id of touched) {
      const record = pop3.sessionById(id);
      if (record) send('session', summarize(record));
    }
    touched.clear();
    return 'more' as const;
  };
  return Object.assign(flush, { touched: (id: number) => touched.add(id) });
}

function sessionFlusher(pop3: Pop3Mock, id: number, query: UiEventsQuery, send: Send): Flusher {
  let record: SessionRecord | undefined;
  let renderer: LineRenderer | undefined;
  let sent = query.from ?? 0;
  // The reset() count the page was rendered at: a record found now may have restarted since.
  const resets = query.resets ?? pop3.resets;
  const flush = () => {
    // keepSessions may drop it; reset() forgets it if it ended, and restarts its record (same id) if it is live.
    const found = pop3.sessionById(id);
    if (!found) {
      const dropped = pop3.droppedSessions({ sessionId: id });
      send('gone', {
        id,
        why: dropped
          ? 'This session ended and its record was dropped (keepSessions keeps the newest ended sessions).'
          : 'This session is no longer recorded: it ended before the server was reset.',
      });
      return 'done' as const;
    }
    if (record === undefined ? resets !== pop3.resets : found !== record) {
      // Restarted by reset(): the record holds nothing from before, so neither does the page. The
      // session is still recorded: its lines, from the record's first (the reset note), go on.
      send('restarted', { id, resets: pop3.resets });
      record = found;
      renderer = new LineRenderer(record);
      sent = 0;
    }
    if (!record) {
      record = found;
      renderer = new LineRenderer(record);
      if (!Number.isInteger(sent) || sent < 0 || sent > record.events.length) sent = 0;
      // Lines already on the page: rendered only to bring the renderer to the same point.
      renderer.lines(record.events.slice(0, sent));
    }
    const to = record.events.length;
    if (to > sent || record.ended) {
      const lines = renderer!.lines(record.events.slice(sent, to));
      send('lines', { from: sent, to, lines, summary: summarize(record) });
      sent = to;
    }
    return record.ended ? ('done' as const) : ('more' as const);
  };
  return Object.assign(flush, { touched: () => {} });
}
