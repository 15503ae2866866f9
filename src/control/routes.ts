import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BuiltRule, withExplain } from '../faults/builder';
import type { FaultRule } from '../faults/rule';
import { FixtureError, type MessageSource } from '../fixtures/types';
import type { Pop3Mock } from '../server/pop3-mock';
import { VerificationError } from '../transcript/verify';
import { WaitTimeoutError } from '../transcript/waiting';
import { asObject, HttpError, readBody, readJson, sendJson, sendText } from './http-util';
import { openApiDocument } from './openapi';
import { fromWirePattern } from './wire-pattern';

/** What a route handler gets: the server, the request, the path parameters. */
interface RouteContext {
  pop3: Pop3Mock;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:name` parameters. */
  path: string;
  handle(ctx: RouteContext): Promise<void> | void;
}

const timeoutOf = (query: URLSearchParams | Record<string, unknown>): number | undefined => {
  const raw = query instanceof URLSearchParams ? query.get('timeoutMs') : query.timeoutMs;
  if (raw === null || raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 600_000) throw new HttpError(400, 'timeoutMs must be 0-600000');
  return n;
};

function user(ctx: RouteContext) {
  try {
    return ctx.pop3.mailbox(ctx.params.user!);
  } catch (error) {
    throw new HttpError(404, (error as Error).message);
  }
}

function messageSources(value: unknown): MessageSource[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((m) => {
    if (typeof m === 'object' && m !== null && typeof (m as { rawBase64?: unknown }).rawBase64 === 'string') {
      const { rawBase64, uid } = m as { rawBase64: string; uid?: string };
      return { raw: Buffer.from(rawBase64, 'base64'), uid };
    }
    return m as MessageSource;
  });
}

function faultRules(value: unknown): BuiltRule[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((r, i) => {
    const rule = asObject(r, `rule ${i + 1}`);
    const trigger = asObject(rule.trigger, `rule ${i + 1} trigger`);
    const action = asObject(rule.action, `rule ${i + 1} action`);
    if (trigger.point !== 'connect' && trigger.point !== 'command') {
      throw new HttpError(400, `rule ${i + 1}: trigger.point must be "connect" or "command"`);
    }
    if (trigger.point === 'command' && !Array.isArray(trigger.verbs)) {
      throw new HttpError(400, `rule ${i + 1}: trigger.verbs must be an array such as ["RETR"]`);
    }
    if (typeof action.type !== 'string') throw new HttpError(400, `rule ${i + 1}: action.type is required`);
    const id = typeof rule.id === 'string' ? rule.id : `remote-${Date.now().toString(36)}-${i}`;
    return withExplain({ ...(rule as object), id } as FaultRule);
  });
}

function messagesOf(pop3: Pop3Mock, name: string) {
  return pop3
    .mailbox(name)
    .messages()
    .map(({ number, uid, size, deliveredAt }) => ({
      number,
      uid,
      size,
      deliveredAt: deliveredAt.toISOString(),
    }));
}

/** The control API: one entry per endpoint, documented in {@link openApiDocument}. */
export const routes: readonly Route[] = [
  { method: 'GET', path: '/openapi.json', handle: ({ res }) => sendJson(res, 200, openApiDocument) },
  {
    method: 'GET',
    path: '/api/status',
    handle: ({ pop3, res }) =>
      sendJson(res, 200, {
        host: pop3.host,
        port: pop3.port,
        tlsPort: pop3.tlsPort ?? null,
        smtpPort: pop3.smtpPort ?? null,
        users: pop3.users(),
      }),
  },
  {
    method: 'GET',
    path: '/api/users',
    handle: ({ pop3, res }) =>
      sendJson(
        res,
        200,
        pop3.users().map((name) => ({ user: name, messages: pop3.mailbox(name).messages().length })),
      ),
  },
  {
    method: 'PUT',
    path: '/api/users/:user',
    async handle(ctx) {
      const body = asObject(await readJson(ctx.req), 'body');
      if (typeof body.password !== 'string') throw new HttpError(400, 'password (string) is required');
      const oauthToken = typeof body.oauthToken === 'string' ? body.oauthToken : undefined;
      await ctx.pop3.addUser(ctx.params.user!, {
        password: body.password,
        messages: messageSources(body.messages ?? []),
        oauthToken,
      });
      sendJson(ctx.res, 201, { user: ctx.params.user, messages: messagesOf(ctx.pop3, ctx.params.user!) });
    },
  },
  {
    method: 'DELETE',
    path: '/api/users/:user',
    handle(ctx) {
      user(ctx);
      ctx.pop3.removeUser(ctx.params.user!);
      sendJson(ctx.res, 200, { removed: ctx.params.user });
    },
  },
  {
    method: 'POST',
    path: '/api/users/:user/reset',
    handle(ctx) {
      user(ctx).reset();
      sendJson(ctx.res, 200, { user: ctx.params.user, messages: messagesOf(ctx.pop3, ctx.params.user!) });
    },
  },
  {
    method: 'GET',
    path: '/api/users/:user/messages',
    handle(ctx) {
      user(ctx);
      sendJson(ctx.res, 200, messagesOf(ctx.pop3, ctx.params.user!));
    },
  },
  {
    method: 'POST',
    path: '/api/users/:user/messages',
    async handle(ctx) {
      user(ctx);
      const type = ctx.req.headers['content-type'] ?? '';
      const sources = type.startsWith('application/json')
        ? messageSources(asObject(await readJson(ctx.req), 'body').messages)
        : [await readBody(ctx.req)];
      const added = await ctx.pop3.deliver(ctx.params.user!, sources);
      sendJson(
        ctx.res,
        201,
        added.map(({ number, uid, size }) => ({ number, uid, size })),
      );
    },
  },
  {
    method: 'GET',
    path: '/api/users/:user/messages/:number/raw',
    handle(ctx) {
      const message = user(ctx)
        .messages()
        .find((m) => String(m.number) === ctx.params.number);
      if (!message) throw new HttpError(404, `no message ${ctx.params.number} for ${ctx.params.user}`);
      sendText(ctx.res, 200, message.bytes, 'message/rfc822');
    },
  },
  {
    method: 'GET',
    path: '/api/users/:user/outcome',
    handle(ctx) {
      user(ctx);
      sendJson(ctx.res, 200, ctx.pop3.outcome(ctx.params.user!));
    },
  },
  {
    method: 'GET',
    path: '/api/faults',
    handle: ({ pop3, res }) =>
      sendJson(
        res,
        200,
        pop3
          .rules()
          .map((s) => ({ rule: s.rule, explain: s.rule.explain(), hits: s.hits, source: s.source })),
      ),
  },
  {
    method: 'POST',
    path: '/api/faults',
    async handle(ctx) {
      const body = asObject(await readJson(ctx.req), 'body');
      const rules = faultRules(body.rules ?? body.rule);
      await ctx.pop3.use(...rules);
      sendJson(
        ctx.res,
        201,
        rules.map((r) => ({ id: r.id, explain: r.explain() })),
      );
    },
  },
  {
    method: 'DELETE',
    path: '/api/faults/:id',
    handle(ctx) {
      if (!ctx.pop3.removeRule(ctx.params.id!)) throw new HttpError(404, `no fault rule ${ctx.params.id}`);
      sendJson(ctx.res, 200, { removed: ctx.params.id });
    },
  },
  {
    method: 'GET',
    path: '/api/faults/pending',
    handle: ({ pop3, res }) =>
      sendJson(
        res,
        200,
        pop3.pendingRules().map((r) => ({ rule: r, explain: r.explain() })),
      ),
  },
  {
    method: 'POST',
    path: '/api/reset',
    async handle({ pop3, res }) {
      await pop3.reset();
      sendJson(res, 200, { reset: true });
    },
  },
  {
    method: 'GET',
    path: '/api/sessions',
    handle: ({ pop3, res, query }) =>
      sendJson(res, 200, pop3.exportTranscripts({ user: query.get('user') ?? undefined })),
  },
  {
    method: 'GET',
    path: '/api/sessions/:id',
    handle(ctx) {
      const id = Number(ctx.params.id);
      const found = ctx.pop3.exportTranscripts({ sessionId: id }).sessions[0];
      if (!found) throw new HttpError(404, `no session ${ctx.params.id}`);
      sendJson(ctx.res, 200, found);
    },
  },
  {
    method: 'GET',
    path: '/api/sessions/:id/transcript',
    handle(ctx) {
      const id = Number(ctx.params.id);
      if (!ctx.pop3.sessions.some((s) => s.id === id))
        throw new HttpError(404, `no session ${ctx.params.id}`);
      sendText(ctx.res, 200, `${ctx.pop3.transcript({ sessionId: id })}\n`);
    },
  },
  {
    method: 'GET',
    path: '/api/transcript',
    handle: ({ pop3, res, query }) =>
      sendText(
        res,
        200,
        `${pop3.transcript({ user: query.get('user') ?? undefined, stable: query.get('stable') === 'true' })}\n`,
      ),
  },
  {
    method: 'GET',
    path: '/api/commands',
    handle: ({ pop3, res, query }) =>
      sendJson(res, 200, pop3.commands({ user: query.get('user') ?? undefined })),
  },
  {
    method: 'POST',
    path: '/api/verify',
    async handle(ctx) {
      const body = asObject(await readJson(ctx.req), 'body');
      try {
        ctx.pop3.verify(fromWirePattern(body.pattern), {
          times: body.times as number | undefined,
          user: typeof body.user === 'string' ? body.user : undefined,
          sessionId: typeof body.sessionId === 'number' ? body.sessionId : undefined,
        });
        sendJson(ctx.res, 200, { verified: true });
      } catch (error) {
        if (!(error instanceof VerificationError)) throw error;
        sendJson(ctx.res, 422, { error: error.message, count: error.count, nearMisses: error.nearMisses });
      }
    },
  },
  {
    method: 'POST',
    path: '/api/wait/next-session',
    async handle(ctx) {
      const body = asObject(await readJson(ctx.req), 'body');
      const session = await ctx.pop3.nextSession({ timeoutMs: timeoutOf(body) });
      sendJson(ctx.res, 200, { id: session.id });
    },
  },
  {
    method: 'POST',
    path: '/api/wait/session-end',
    async handle(ctx) {
      const body = asObject(await readJson(ctx.req), 'body');
      const id = typeof body.sessionId === 'number' ? body.sessionId : undefined;
      const target = id === undefined ? undefined : ctx.pop3.sessions.find((s) => s.id === id);
      if (id !== undefined && !target) throw new HttpError(404, `no session ${id}`);
      const ended = await ctx.pop3.sessionEnd(target, { timeoutMs: timeoutOf(body) });
      sendJson(ctx.res, 200, ctx.pop3.exportTranscripts({ sessionId: ended.id }).sessions[0]);
    },
  },
  {
    method: 'POST',
    path: '/api/wait/command',
    async handle(ctx) {
      const body = asObject(await readJson(ctx.req), 'body');
      const found = await ctx.pop3.waitForCommand(fromWirePattern(body.pattern), {
        timeoutMs: timeoutOf(body),
        includePast: body.includePast === true,
      });
      sendJson(ctx.res, 200, {
        sessionId: found.sessionId,
        verb: found.verb,
        index: found.index,
        state: found.state,
      });
    },
  },
];

/** Maps a thrown error to the HTTP reply: known errors get a 4xx with their message. */
export function errorStatus(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof FixtureError) return { status: 400, message: error.message };
  if (error instanceof WaitTimeoutError) return { status: 408, message: error.message };
  return { status: 500, message: `internal error: ${(error as Error).message}` };
}
