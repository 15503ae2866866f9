import { type ClientRequest, get, type IncomingHttpHeaders } from 'node:http';
import { type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../src';
import { controlServerOf } from '../../src/assembly/start-pop3-mock';
import { mountUi } from '../../src/ui';

export const USER = 'alice';
/** Distinctive, so a test can search a whole page for it. */
export const PASSWORD = 'pw-Zq8-never-shown';
export const FIRST =
  'From: bob@example.com\r\nTo: alice@example.com\r\nSubject: first\r\n\r\nHello Alice.\r\n';

/** A server with the control channel and the view mounted, one user with one message. */
export async function startUiServer(extra: Pop3MockOptions = {}): Promise<Pop3Mock> {
  const pop3 = await startPop3Mock({
    control: true,
    users: { [USER]: { password: PASSWORD, messages: [FIRST] } },
    ...extra,
  });
  // Until the lead wires it into start(); idempotent, so it stays valid afterwards.
  mountUi(pop3, controlServerOf(pop3)!);
  return pop3;
}

/** The view's cookie as the login link sets it: its name carries the control port. */
export const cookie = (pop3: Pop3Mock): string =>
  `pop3mock_${new URL(pop3.controlUrl!).port}=${pop3.controlToken}`;

/** fetch() against the control server with the view's cookie (or without it: `auth: false`). */
export function fetchUi(
  pop3: Pop3Mock,
  path: string,
  init: RequestInit & { auth?: boolean } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set('cookie', cookie(pop3));
  return fetch(`${pop3.controlUrl}${path}`, { ...init, headers, redirect: 'manual' });
}

export interface StreamEvent {
  event: string;
  data: unknown;
}

/** The view's server-sent events, read as they come. */
export class StreamReader {
  readonly events: StreamEvent[] = [];
  /** The stream's response headers. */
  headers: IncomingHttpHeaders = {};
  private text = '';
  private waiters: (() => void)[] = [];
  private finished = false;

  private constructor(private readonly req: ClientRequest) {}

  /** Resolves once the server answered: from then on it reports every event. */
  static open(pop3: Pop3Mock, path: string): Promise<StreamReader> {
    return new Promise((resolve, reject) => {
      const req = get(`${pop3.controlUrl}${path}`, { headers: { cookie: cookie(pop3) } });
      const reader = new StreamReader(req);
      req.on('response', (res) => {
        reader.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => reader.take(chunk));
        res.on('end', () => reader.finish());
        res.on('error', () => reader.finish());
        resolve(reader);
      });
      req.on('error', reject);
    });
  }

  /** Resolves when `done(events)` holds, or the stream ended. */
  async until(done: (events: StreamEvent[]) => boolean = () => false): Promise<StreamEvent[]> {
    while (!done(this.events) && !this.finished) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.events;
  }

  close(): void {
    this.req.destroy();
  }

  private take(chunk: string): void {
    this.text += chunk;
    for (let end = this.text.indexOf('\n\n'); end !== -1; end = this.text.indexOf('\n\n')) {
      const block = this.text.slice(0, end);
      this.text = this.text.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name !== undefined && data !== undefined) this.events.push({ event: name, data: JSON.parse(data) });
    }
    this.wake();
  }

  private finish(): void {
    this.finished = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
