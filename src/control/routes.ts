import type { z } from 'zod';
import { preciseNow } from '../clock';
import { FixtureError } from '../fixtures/types';
import type { MessageInfo } from '../mailbox/mailbox';
import type { MailboxView } from '../mailbox/mailbox-view';
import { noMessage } from '../not-found-error';
import { HELD_BYTES } from '../server/held-bytes';
import type { Pop3Mock } from '../server/pop3-mock';
import { redactArgs, redactLine } from '../transcript/redact';
import { VerificationError } from '../transcript/verify';
import type { LocatedCommand } from '../vocabulary';
import type { Endpoint, OperationId } from './contract/endpoints';
import { endpoints } from './contract/endpoints';
import { noSuchRule } from './http-util';
import { openApiDocument } from './openapi';

/** What a handler answers: JSON, or text of a given type. The control server writes it. */
export type Reply =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly text: string | Buffer; readonly type: string };

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler gets: the server and the request's parts, already checked against the endpoint's schemas. */
export interface RouteContext<E extends Endpoint> {
  readonly pop3: Pop3Mock;
  readonly params: Out<E['params']>;
  readonly query: Out<E['query']>;
  readonly body: Out<E['body']>;
  /** A message/rfc822 body, for endpoints that take one. */
  readonly raw: Buffer | undefined;
}

type Handlers = { [O in OperationId]?: (ctx: RouteContext<(typeof endpoints)[O]>) => Reply | Promise<Reply> };

const ok = (json: unknown, status = 200): Reply => ({ status, json });

function messagesOf(mailbox: MailboxView) {
  return mailbox.messages().map(messageSummary);
}

/** A message as the control API lists it (its bytes are a request of their own: getRawMessage). */
function messageSummary({ number, uid, size, deliveredAt }: MessageInfo) {
  return {
    number,
    uid,
    size,
    deliveredAt: deliveredAt.toISOString(),
  };
}

function sessionJSON(pop3: Pop3Mock, id: number) {
  const found = pop3.exportTranscripts({ sessionId: id }).sessions[0];
  if (!found) throw pop3.noSession(id);
  return found;
}

/**
 * A located command as the control API shows it: secrets masked, as in every
 * printed form, unless `secrets` asks for the real values (the remote
 * client's `waitForCommand()`, which gives what the in-process one gives).
 */
function locatedJSON(c: LocatedCommand, secrets = false) {
  return {
    sessionId: c.sessionId,
    verb: c.verb,
    args: secrets ? [...c.args] : [...redactArgs(c.verb, c.args)],
    raw: secrets ? c.raw : redactLine(c.raw),
    reply: c.reply ?? null,
    replyCut: c.replyCut ?? null,
    index: c.index,
    state: c.state,
    user: c.user ?? null,
    at: c.at,
  };
}

/**
 * The control API's handlers, one per endpoint of the contract
 * (contract/endpoints.ts). They call the same public methods a test calls
 * in process; the input they get has passed the endpoint's schemas.
 */
export const handlers: Handlers = {
  getOpenApi: () => ok(openApiDocument()),
  getStatus: ({ pop3 }) =>
    ok({
      host: pop3.host,
      port: pop3.port,
      tlsPort: pop3.tlsPort ?? null,
      smtpPort: pop3.smtpPort ?? null,
      smtpTlsPort: pop3.smtpTlsPort ?? null,
      users: pop3.users(),
      keepSessions: pop3.keepSessions,
      ca: pop3.hasTls ? pop3.tls.ca : null,
      now: preciseNow(),
    }),
  listUsers: ({ pop3 }) =>
    ok(pop3.users().map((user) => ({ user, messages: pop3.mailbox(user).messages().length }))),
  async putUser({ pop3, params, body }) {
    try {
      const mailbox = await pop3.addUser(params.user, body);
      return ok({ user: params.user, messages: messagesOf(mailbox) }, 201);
    } catch (error) {
      // addUser() places a fixture in its `options` argument; here the body is those options.
      if (error instanceof FixtureError && error.path.startsWith('options.')) {
        throw error.placedAt(error.path.slice('options.'.length));
      }
      throw error;
    }
  },
  removeUser({ pop3, params }) {
    pop3.mailbox(params.user); // a 404 naming the user when there is none
    pop3.removeUser(params.user);
    return ok({ removed: params.user });
  },
  resetMailbox({ pop3, params }) {
    const mailbox = pop3.mailbox(params.user);
    mailbox.reset();
    return ok({ user: params.user, messages: messagesOf(mailbox) });
  },
  listMessages: ({ pop3, params }) => ok(messagesOf(pop3.mailbox(params.user))),
  async deliver({ pop3, params, body, raw }) {
    const added = await pop3.deliver(params.user, raw ?? body.messages);
    return ok(added.map(messageSummary), 201);
  },
  getRawMessage({ pop3, params }) {
    const mailbox = pop3.mailbox(params.user);
    const bytes = pop3[HELD_BYTES](params.user, params.number);
    if (!bytes) throw noMessage(params.user, params.number, mailbox.messages().length);
    return { status: 200, text: bytes, type: 'message/rfc822' };
  },
  listDeleted: ({ pop3, params }) =>
    ok(
      pop3
        .mailbox(params.user)
        .deleted()
        .map(({ uid, size, sessionId, deletedAt }) => ({
          uid,
          size,
          sessionId,
          deletedAt: deletedAt.toISOString(),
        })),
    ),
  getOutcome({ pop3, params }) {
    const outcome = pop3.outcome(params.user);
    return ok({
      ...outcome,
      dropped: outcome.dropped ?? null,
      deleted: outcome.deleted.map((d) => ({
        ...d,
        number: d.number ?? null,
        deletedAt: d.deletedAt.toISOString(),
      })),
    });
  },
  listRules: ({ pop3 }) =>
    ok(
      pop3.rules().map((s) => ({ rule: s.rule, explain: s.rule.explain(), hits: s.hits, source: s.source })),
    ),
  addRules: async ({ pop3, body }) => ok(await pop3.use(...body.rules), 201),
  removeRule({ pop3, params }) {
    if (!pop3.removeRule(params.id)) throw noSuchRule(params.id);
    return ok({ removed: params.id });
  },
  listPendingRules: ({ pop3 }) => ok(pop3.pendingRules().map((rule) => ({ rule, explain: rule.explain() }))),
  async reset({ pop3 }) {
    await pop3.reset();
    return ok({ reset: true });
  },
  listSessions: ({ pop3, query }) => ok(pop3.exportTranscripts(query)),
  getDroppedSessions: ({ pop3, query }) => ok({ dropped: pop3.droppedSessions(query) ?? null }),
  getSession: ({ pop3, params }) => ok(sessionJSON(pop3, params.id)),
  getSessionTranscript({ pop3, params }) {
    if (!pop3.sessionById(params.id)) throw pop3.noSession(params.id);
    return {
      status: 200,
      text: pop3.transcript({ sessionId: params.id }),
      type: 'text/plain; charset=utf-8',
    };
  },
  getTranscript: ({ pop3, query }) => ({
    status: 200,
    text: pop3.transcript(query),
    type: 'text/plain; charset=utf-8',
  }),
  listCommands: ({ pop3, query }) => ok(pop3.commands(query)),
  verify({ pop3, body }) {
    const { pattern, ...options } = body;
    try {
      return ok({ verified: true, count: pop3.verify(pattern, options) });
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      return ok({ error: error.message, count: error.count, nearMisses: [...error.nearMisses] }, 422);
    }
  },
  // The record the wait resolved with, not a lookup by id: with keepSessions it may be dropped already.
  async waitNextSession({ pop3, query, body }) {
    const { arrivedSince, ...options } = body;
    return ok((await pop3.nextSessionArrivedSince(options, arrivedSince)).toJSON(query));
  },
  async waitSessionEnd({ pop3, query, body }) {
    const options = { timeoutMs: body.timeoutMs, since: body.since };
    if (body.sessionId === undefined)
      return ok((await pop3.sessionEndArrivedSince(options, body.arrivedSince)).toJSON(query));
    const target = pop3.sessionById(body.sessionId);
    if (!target) throw pop3.noSession(body.sessionId);
    return ok((await pop3.sessionEnd(target, options)).toJSON(query));
  },
  async waitCommand({ pop3, query, body }) {
    const { pattern, arrivedSince, ...options } = body;
    return ok(
      locatedJSON(await pop3.waitForCommandArrivedSince(pattern, options, arrivedSince), query.secrets),
    );
  },
};

/**
 * What is wrong with a request's raw path, if anything: a `.` or `..`
 * segment (`%2e` is a dot too), which `new URL()` resolves away, as the
 * caller's URL library may have done (`/api/users/../reset` would reach
 * `/api/reset`): refused, never followed (the schemas refuse such user names
 * and rule ids at every door); or a segment that is not valid percent-encoding.
 */
export function pathProblemOf(rawUrl: string): string | undefined {
  // `\` too: in an http: URL it is a `/` (WHATWG URL), so `..\reset` would be two segments.
  for (const segment of rawUrl.split(/[?#]/, 1)[0]!.split(/[/\\]/)) {
    if (/^(?:\.|%2e){1,2}$/i.test(segment)) {
      return `expected no "." or ".." segment, got ${JSON.stringify(segment)}: a URL resolves them away, so the request would reach another endpoint`;
    }
    try {
      decodeURIComponent(segment);
    } catch {
      return `expected valid percent-encoding, got ${JSON.stringify(segment)}`;
    }
  }
  return undefined;
}

/** The endpoint a request names, with its path parameters as strings. */
export function findEndpoint(
  method: string,
  path: string,
): { endpoint: Endpoint; params: Record<string, string> } | undefined {
  for (const endpoint of Object.values(endpoints) as Endpoint[]) {
    if (endpoint.method !== method) continue;
    const params = matchPath(endpoint.path, path);
    if (params) return { endpoint, params };
  }
  return undefined;
}

/** The methods of the endpoints at `path` (a request with another method gets 405 and these in `Allow`). */
export function methodsAt(path: string): string[] {
  const methods = (Object.values(endpoints) as Endpoint[])
    .filter((endpoint) => matchPath(endpoint.path, path) !== undefined)
    .map((endpoint) => endpoint.method);
  return [...new Set(methods)];
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const name = /^\{(\w+)\}$/.exec(w)?.[1];
    if (name === undefined) {
      if (w !== got[i]) return undefined;
      continue;
    }
    // Valid: the request's path was checked before routing (pathProblemOf).
    params[name] = decodeURIComponent(got[i]!);
  }
  return params;
}
