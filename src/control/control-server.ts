import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { preciseNow } from '../clock';
import { InputError } from '../schema/input-error';
import type { Pop3Mock } from '../server/pop3-mock';
import { redactEvent } from '../transcript/redact';
import type { Pop3Event } from '../vocabulary';
import type { Endpoint } from './contract/endpoints';
import { answerError } from './errors';
import { MAX_UNREAD_OCTETS, readBody, sendJson, sendText } from './http-util';
import { checkedRequest } from './request';
import { findEndpoint, handlers, methodsAt, pathProblemOf, type Reply } from './routes';
import { carriesToken, sameToken, tokenCookieName } from './token';

/** Options of the HTTP control channel. */
export interface ControlOptions {
  /** Port for the control API; default 0 (ephemeral). */
  port?: number | string;
  /** The bearer token; default 32 random bytes, hex. */
  token?: string;
}

/**
 * Routes mounted by other parts (the browser view) under a path of their
 * own. The control server checks the token before it calls them.
 */
export interface Mount {
  /** The path the mount answers, and every path under it (`/ui` covers `/ui/…`). */
  prefix: string;
  /** Paths answered without the token: the link that logs a browser in. */
  publicPaths?: readonly string[];
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void | Promise<void>;
  /** The answer to a request without the token; by default the API's JSON 401. */
  refuse?(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * The HTTP control API on loopback, behind a random bearer token. It calls
 * the same public methods a test calls in process.
 */
export class ControlServer {
  readonly token: string;
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly mounts: Mount[] = [];
  port = 0;

  constructor(
    private readonly pop3: Pop3Mock,
    options: ControlOptions,
  ) {
    this.token = options.token ?? randomBytes(32).toString('hex');
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('error', () => {});
  }

  get url(): string {
    return `http://${this.pop3.host.includes(':') ? `[${this.pop3.host}]` : this.pop3.host}:${this.port}`;
  }

  /** Serves `mount` under its prefix, behind the same token check as the API. */
  mount(mount: Mount): void {
    this.mounts.push(mount);
  }

  /** The cookie the browser view sets; its name carries the port (see tokenCookieName). */
  get cookieName(): string {
    return tokenCookieName(this.port);
  }

  /** Whether `given` is the token (the view's login link compares with it). */
  acceptsToken(given: string): boolean {
    return sameToken(given, this.token);
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.pop3.host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : port;
  }

  async close(): Promise<void> {
    // Said on each stream first, so its reader neither warns nor opens a new one for a server gone on
    // purpose; a reader that is not reading (a backlog) is not waited for, nor anyone past a moment.
    await Promise.all([...this.streams].map((res) => sayClosing(res)));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.listening ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Whether the request carries the token (bearer header, or the view's cookie). */
  authorized(req: IncomingMessage): boolean {
    return carriesToken(req, this.token, this.cookieName);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const problem = pathProblemOf(req.url ?? '/');
      if (problem !== undefined)
        throw new InputError([{ path: 'path', message: problem }], `${req.method} ${req.url}`);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      const mount = this.mounts.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
      const found = mount ? undefined : findEndpoint(req.method ?? 'GET', path);
      const open = found?.endpoint.public === true || (mount?.publicPaths?.includes(path) ?? false);
      if (!open && !this.authorized(req)) {
        if (mount?.refuse) mount.refuse(req, res);
        else sendJson(res, 401, { error: 'missing or wrong token: send Authorization: Bearer <token>' });
        return;
      }
      if (mount) return await mount.handle(req, res, url);
      if (!found) {
        // A path that exists with another method is the caller's wrong method, not a missing endpoint (RFC 9110 §15.5.6).
        const allowed = methodsAt(path);
        if (allowed.length > 0) {
          sendJson(
            res,
            405,
            { error: `${req.method} ${path}: expected ${allowed.join(' or ')}; see GET /openapi.json` },
            { allow: allowed.join(', ') },
          );
        } else sendJson(res, 404, { error: `no endpoint ${req.method} ${path}; see GET /openapi.json` });
        return;
      }
      if (found.endpoint.operationId === 'streamEvents') {
        const { query } = checkedRequest(
          found.endpoint,
          found.params,
          url.searchParams,
          undefined,
          undefined,
        );
        return this.stream(res, (query as { since?: number }).since);
      }
      await this.serve(found.endpoint, found.params, url, req, res);
    } catch (error) {
      answerError(res, error);
    }
  }

  /** Checks the request against the endpoint's schemas, runs its handler, writes the reply. */
  private async serve(
    endpoint: Endpoint,
    params: Record<string, string>,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const takesBody = endpoint.body !== undefined || endpoint.rawMessage === true;
    // A body where the endpoint takes none would be ignored: the caller meant something by it.
    if (!takesBody && hasBody(req))
      throw new InputError(
        [{ path: '', message: 'expected no body' }],
        `${endpoint.method} ${endpoint.path}`,
      );
    const body = takesBody ? await readBody(req) : undefined;
    const input = checkedRequest(endpoint, params, url.searchParams, req.headers['content-type'], body);
    const handler = handlers[endpoint.operationId as keyof typeof handlers] as (
      ctx: typeof input & { pop3: Pop3Mock },
    ) => Reply | Promise<Reply>;
    let reply: Reply;
    try {
      reply = await handler({ ...input, pop3: this.pop3 });
    } catch (error) {
      // A refusal of the call the handler made (a stored rule's id in use()) is the request's: named by it, as its schemas' are.
      if (error instanceof InputError)
        throw new InputError(error.issues, `${endpoint.method} ${endpoint.path}`);
      throw error;
    }
    if ('json' in reply) sendJson(res, reply.status, reply.json);
    else sendText(res, reply.status, reply.text, reply.type);
  }

  /**
   * Server-sent events: each session event, redacted, as it happens; with
   * `since`, the recorded events at or after it first. Read back and
   * subscribed in one turn: no event falls between, none comes twice.
   */
  private stream(res: ServerResponse, since: number | undefined): void {
    // Subscribed before the answer begins: a server closed meanwhile is a 410, not a stream that never speaks.
    let beat: NodeJS.Timeout | undefined;
    const stop = this.pop3.on('*', (event) => {
      // Past the bound the stream ends, said on the stream: the reader learns it missed events instead of finding fewer.
      if (res.writableLength > MAX_UNREAD_OCTETS) {
        res.end(`event: overflow\ndata: ${JSON.stringify({ unread: res.writableLength })}\n\n`);
        clearInterval(beat);
        stop();
        return;
      }
      res.write(eventBlock(event, this.pop3.heardAt() ?? event.at));
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // With the server's time: a reader on a host whose clock is off learns by how much (event-stream.ts).
    res.write(`: pop3-mock events at ${preciseNow()}\n\n`);
    if (since !== undefined) {
      for (const { event, at } of this.recordedSince(since)) res.write(eventBlock(event, at));
    }
    // A comment line now and then: a reader's HTTP client (fetch ends a body silent for 300 s)
    // or a proxy must not take a quiet server for a dead stream.
    beat = setInterval(() => {
      if (!res.writableEnded) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    beat.unref();
    this.streams.add(res);
    res.on('close', () => {
      clearInterval(beat);
      stop();
      this.streams.delete(res);
    });
  }

  /**
   * The recorded events at or after `since` (ms since the epoch, with a
   * fraction), each with when it was recorded, in that order. An event's
   * real time to a fraction decides where it is kept (the server's clock may
   * be a test's fake one); one whose time is no longer kept counts as before
   * `since` when the kept times reach back to it, else its own time decides.
   */
  private recordedSince(since: number): { event: Pop3Event; at: number }[] {
    const millisecond = Math.floor(since);
    const kept = this.pop3.recordedTimes(since);
    const recorded: { event: Pop3Event; at: number }[] = [];
    for (const record of this.pop3.sessions) {
      // A session with no event since has none to replay: its events are not made again.
      const replayed =
        kept?.sessions?.has(record.id) ?? (record.endedAt?.getTime() ?? millisecond) >= millisecond;
      if (!replayed) continue;
      record.events.forEach((event, index) => {
        const at = kept ? kept.eventAt(record.id, index + 1, event.at) : event.at;
        if (at !== undefined && at >= since) recorded.push({ event, at });
      });
    }
    // Sorted by time; events of one time keep their order (sort is stable).
    return recorded.sort((a, b) => a.at - b.at);
  }
}

/** Ends an event stream with `event: closing`, once it is flushed (at most {@link CLOSING_WAIT_MS}). */
function sayClosing(res: ServerResponse): Promise<void> {
  if (res.writableLength > 0) {
    res.destroy();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(done, CLOSING_WAIT_MS);
    function done() {
      clearTimeout(timer);
      res.destroy();
      resolve();
    }
    res.end('event: closing\ndata: {}\n\n', done);
  });
}

const CLOSING_WAIT_MS = 100;

/** How often a quiet event stream says it is alive. */
const HEARTBEAT_MS = 30_000;

/**
 * One event as the stream sends it, secrets masked; its `id` is when it was
 * recorded (`at`: ms since the epoch, with a fraction when the server kept
 * one), which a reader compares with the time of its call.
 */
function eventBlock(event: Pop3Event, at: number): string {
  return `event: ${event.type}\nid: ${at}\ndata: ${JSON.stringify(redactEvent(event))}\n\n`;
}

/** Whether a request carries a body: a length over 0, or one sent in chunks. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
