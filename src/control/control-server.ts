import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Pop3Mock } from '../server/pop3-mock';
import { redactEvent } from '../transcript/redact';
import { sendJson } from './http-util';
import { errorStatus, routes } from './routes';

/** Options of the HTTP control channel. */
export interface ControlOptions {
  /** Port for the control API; default 0 (ephemeral). */
  port?: number | string;
  /** The bearer token; default 32 random bytes, hex. */
  token?: string;
}

export const TOKEN_COOKIE = 'pop3mock_token';

/** Extra routes mounted by other parts (the browser view). */
export type ExtraHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;

/**
 * The HTTP control API on loopback, behind a random bearer token. It calls
 * the same public methods a test calls in process.
 */
export class ControlServer {
  readonly token: string;
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly extras: ExtraHandler[] = [];
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

  /** Mounts a handler tried before the API routes (returns true when it answered). */
  mount(handler: ExtraHandler): void {
    this.extras.push(handler);
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
    for (const res of this.streams) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.listening ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Whether the request carries the token (header, or the cookie set by the browser view's link). */
  authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer (.+)$/i.exec(header)?.[1];
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === TOKEN_COOKIE)?.[1];
    return [bearer, cookie].some((given) => given !== undefined && sameToken(given, this.token));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      for (const extra of this.extras) if (await extra(req, res, url)) return;
      if (!this.authorized(req)) {
        sendJson(res, 401, { error: 'missing or wrong token: send Authorization: Bearer <token>' });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/api/events') return this.stream(res);
      for (const route of routes) {
        if (route.method !== req.method) continue;
        const params = matchPath(route.path, url.pathname);
        if (params) {
          await route.handle({ pop3: this.pop3, req, res, params, query: url.searchParams });
          return;
        }
      }
      sendJson(res, 404, { error: `no endpoint ${req.method} ${url.pathname}; see GET /openapi.json` });
    } catch (error) {
      const { status, message } = errorStatus(error);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.destroy();
    }
  }

  /** Server-sent events: each session event, redacted, as it happens. */
  private stream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': pop3-mock events\n\n');
    const stop = this.pop3.on('*', (event) =>
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(redactEvent(event))}\n\n`),
    );
    this.streams.add(res);
    res.on('close', () => {
      stop();
      this.streams.delete(res);
    });
  }
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(got[i]!);
    else if (w !== got[i]) return undefined;
  }
  return params;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
