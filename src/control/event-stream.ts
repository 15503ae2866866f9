import { preciseNow } from '../clock';
import type { Pop3Event, Pop3EventType } from '../vocabulary';
import { ControlError, causeOf } from './control-error';
import { type ServerClock, streamStartTime } from './server-clock';

type Listener = (event: Pop3Event) => void;

/**
 * The control API's server-sent events, read with `fetch`: opened when the
 * first listener comes, closed when the last one goes (or on `close()`), so
 * a remote client that listens to nothing holds no connection.
 */
export class EventStream {
  /** Each listener hears the events recorded from `from` on (ms since the epoch, with a fraction: when it came). */
  private readonly listeners = new Set<{ type: Pop3EventType | '*'; listener: Listener; from: number }>();
  private abort: AbortController | undefined;
  private opened: Promise<void> | undefined;
  /** The server ended the stream with `overflow` (see control-server.ts). */
  private overflowed = false;
  /** The server said it is closing: the end of its stream is no loss to warn of, and nothing more will come. */
  private closedByServer = false;
  /**
   * When the first listener came, while no stream was open: the stream opens
   * with `since`, so the server first replays what happened from then until
   * it is connected (an event in that gap was lost, and a test counting
   * events passed on fewer). To a fraction of a millisecond: within the
   * call's own, the server's record of each event's time decides.
   */
  private since: number | undefined;

  /** `clock`: how far the server's clock is from this one's, shared with the remote client's other waits. */
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly clock: ServerClock,
    /** Told once the server said it is closing (the remote client cancels its waits, as a closing server does). */
    private readonly onServerClosed: () => void = () => {},
  ) {}

  /** Whether the server said it was closing: no event will come any more. */
  get serverClosed(): boolean {
    return this.closedByServer;
  }

  /** Resolves once the stream is connected (opening it if needed). */
  get connected(): Promise<void> {
    this.opened ??= this.open();
    return this.opened;
  }

  /**
   * Adds a listener that hears the events recorded from now on: each event
   * carries when the server recorded it (its `id`), so one recorded before
   * the call and still on its way, or replayed, is not heard.
   */
  on(type: Pop3EventType | '*', listener: Listener): () => void {
    const entry = { type, listener, from: preciseNow() };
    this.listeners.add(entry);
    if (this.opened === undefined) this.since ??= entry.from;
    // Nobody awaits this connection: a failure must still be seen, not leave listeners deaf in silence.
    this.reopen();
    return () => {
      this.listeners.delete(entry);
      if (this.listeners.size === 0) this.close();
    };
  }

  /**
   * Resolves once a stream being opened has connected (or failed to), at
   * once when none is: its replay reads the server's records, which a
   * `reset()` sent meanwhile would clear first.
   */
  async opening(): Promise<void> {
    // A failure is not this wait's to report: whoever opened the stream reports it (on()'s reopen(), waitFor()).
    await this.opened?.catch(() => {});
  }

  close(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.opened = undefined;
  }

  private async open(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const since = this.since;
    this.since = undefined;
    // The replay is chosen by the server's clock: from the call as it reads it.
    const url = since === undefined ? this.url : `${this.url}?since=${this.clock.earliestOnServer(since)}`;
    const asked = preciseNow();
    // Failures as the client's other calls report them: a ControlError, status 0 when no answer came.
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
      signal: abort.signal,
    }).catch((error: unknown) => {
      throw new ControlError(
        0,
        `pop3-mock: GET ${this.url}: no answer from the control API (${causeOf(error)}); is the server running, with control on?`,
        {},
        error,
      );
    });
    if (!response.ok || !response.body)
      throw new ControlError(
        response.status,
        `pop3-mock: GET ${this.url}: the event stream answered ${response.status}`,
      );
    const reader = response.body.getReader();
    // The server writes a comment line first: once it is read, events are flowing.
    const first = await reader.read();
    const start = first.value === undefined ? '' : new TextDecoder().decode(first.value);
    const serverNow = streamStartTime(start);
    if (serverNow !== undefined) this.clock.measure(serverNow, asked, preciseNow());
    void this.pump(reader, start, abort);
  }

  private async pump(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    start: string,
    abort: AbortController,
  ): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = start;
    try {
      for (;;) {
        let end = buffered.indexOf('\n\n');
        while (end !== -1) {
          this.dispatch(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf('\n\n');
        }
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
      }
    } catch {
      // Aborted by close(), or the connection broke (below).
    }
    // close() ended it, no listener is left, or the server closed: nothing to say.
    if (abort.signal.aborted || this.abort !== abort || this.listeners.size === 0 || this.closedByServer)
      return;
    // The stream ended under listeners: after an overflow (its warning said what they missed),
    // or the server closed it. Listeners must not go deaf in silence: said, and a new one opened
    // (if the server is gone, reopen() says that too).
    if (!this.overflowed) {
      process.emitWarning(
        "pop3-mock: the control API's event stream ended; on() listeners missed the events until it is opened again",
      );
    }
    this.overflowed = false;
    this.opened = undefined;
    this.reopen();
  }

  /** Opens the stream (if it is not open) for the listeners there are, saying so if that fails. */
  private reopen(): void {
    this.connected.catch((error: unknown) => {
      // An abort is close() at work, not a failure.
      if (error instanceof Error && error.name === 'AbortError') return;
      process.emitWarning(
        `pop3-mock: the control API's event stream could not be opened (${error instanceof Error ? error.message : String(error)}); on() listeners get no events`,
      );
    });
  }

  private dispatch(block: string): void {
    const lines = block.split('\n');
    const data = lines
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    const id = lines.find((line) => line.startsWith('id: '));
    if (block.startsWith('event: overflow\n')) {
      // The server ended the stream: this process read it too slowly. Listeners must not miss events in silence.
      this.overflowed = true;
      const unread = overflowOctets(data);
      process.emitWarning(
        `pop3-mock: the control API ended the event stream because this process left ${unread === undefined ? 'too much' : `${unread} octets`} of it unread; on() listeners missed the events until it is opened again`,
      );
      return;
    }
    if (block.startsWith('event: closing\n')) {
      this.closedByServer = true;
      this.onServerClosed();
      return;
    }
    if (data === '') return;
    const event = JSON.parse(data) as Pop3Event;
    // When the server recorded it; without an id (not this server's stream), when it says it happened.
    const recordedAt = this.clock.fromServer(id === undefined ? event.at : Number(id.slice(4)));
    for (const { type, listener, from } of [...this.listeners]) {
      if ((type === '*' || type === event.type) && recordedAt >= from) listener(event);
    }
  }
}

/** The octets the server said were left unread; undefined when it did not say so in a form this client reads (the warning is given all the same). */
function overflowOctets(data: string): number | undefined {
  try {
    const value = JSON.parse(data) as { unread?: unknown };
    return typeof value.unread === 'number' ? value.unread : undefined;
  } catch {
    return undefined;
  }
}
