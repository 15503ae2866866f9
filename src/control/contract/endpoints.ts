import * as z from 'zod';
import * as request from '../../schema/control-api';
import * as response from './responses';

/** What an endpoint answers with a status: a JSON schema, text, or raw message bytes. */
export type EndpointAnswer =
  | { readonly description: string; readonly json: z.ZodType }
  | { readonly description: string; readonly text: 'text/plain' | 'message/rfc822' | 'text/event-stream' };

/** One endpoint of the control API: the single definition of its path, input and answers. */
export interface Endpoint {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** With `{name}` parameters, as OpenAPI writes them. */
  readonly path: string;
  readonly summary: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** A JSON body; `rawMessage` also accepts a message/rfc822 body instead. */
  readonly body?: z.ZodType;
  readonly rawMessage?: boolean;
  readonly answers: Readonly<Record<number, EndpointAnswer>>;
  /** Served without the token (it holds no data). */
  readonly public?: boolean;
}

const json = <S extends z.ZodType>(description: string, schema: S) =>
  ({ description, json: schema }) as const;
const refused = json('The request was refused: `error` says why, `path` where', response.errorBody);
const unknown = (what: string) => json(`No such ${what}`, response.errorBody);
const timedOut = json('Nothing matching arrived within `timeoutMs` (default 5000)', response.errorBody);
/** A change asked of a server that was closing (it takes no more changes; `closed: true`). */
const closed = json(
  'The server was closed: it takes no more changes (`closed: true`); nothing changed',
  response.errorBody,
);

const endpoint = <const E extends Endpoint>(e: E): E => e;

/**
 * Every endpoint, in the order the OpenAPI document lists them. The control
 * server dispatches through this table, the remote client calls through it,
 * and `/openapi.json` is generated from it.
 */
export const endpoints = {
  getOpenApi: endpoint({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document',
    public: true,
    answers: { 200: json('The OpenAPI 3.1 document', z.looseObject({ openapi: z.string() })) },
  }),
  getStatus: endpoint({
    operationId: 'getStatus',
    method: 'GET',
    path: '/api/status',
    summary: 'Ports and user names',
    answers: { 200: json('Status', response.status) },
  }),
  listUsers: endpoint({
    operationId: 'listUsers',
    method: 'GET',
    path: '/api/users',
    summary: 'Users with their message counts',
    answers: { 200: json('Users', z.array(response.userSummary)) },
  }),
  putUser: endpoint({
    operationId: 'putUser',
    method: 'PUT',
    path: '/api/users/{user}',
    summary: 'Create or replace a user (one that is not logged in)',
    params: request.userParams,
    body: request.putUserBody,
    answers: {
      201: json('The user and its messages', response.userCreated),
      400: refused,
      409: json(
        'A session is logged in as the user (`sessionId`, the oldest); nothing changed: QUIT first',
        response.userLoggedIn,
      ),
      410: closed,
    },
  }),
  removeUser: endpoint({
    operationId: 'removeUser',
    method: 'DELETE',
    path: '/api/users/{user}',
    summary: 'Remove a user (one that is not logged in)',
    params: request.userParams,
    answers: {
      200: json('Removed', response.userRemoved),
      400: refused,
      404: unknown('user'),
      409: json(
        'A session is logged in as the user (`sessionId`, the oldest); nothing changed: QUIT first',
        response.userLoggedIn,
      ),
      410: closed,
    },
  }),
  resetMailbox: endpoint({
    operationId: 'resetMailbox',
    method: 'POST',
    path: '/api/users/{user}/reset',
    summary: 'The mailbox back to its seeded messages',
    params: request.userParams,
    answers: {
      200: json('The messages now', response.userCreated),
      400: refused,
      404: unknown('user'),
      410: closed,
    },
  }),
  listMessages: endpoint({
    operationId: 'listMessages',
    method: 'GET',
    path: '/api/users/{user}/messages',
    summary: 'Messages now, numbered as a session opened now would see them',
    params: request.userParams,
    answers: { 200: json('Messages', z.array(response.messageInfo)), 400: refused, 404: unknown('user') },
  }),
  deliver: endpoint({
    operationId: 'deliver',
    method: 'POST',
    path: '/api/users/{user}/messages',
    summary:
      'Deliver messages: JSON { messages } or one raw message (message/rfc822); seen from the next session on',
    params: request.userParams,
    body: request.deliverBody,
    rawMessage: true,
    answers: {
      201: json('The messages added, as listMessages lists them', z.array(response.messageInfo)),
      400: refused,
      404: unknown('user'),
      410: closed,
      415: json('The body is neither application/json nor message/rfc822', response.errorBody),
    },
  }),
  getRawMessage: endpoint({
    operationId: 'getRawMessage',
    method: 'GET',
    path: '/api/users/{user}/messages/{number}/raw',
    summary: 'The exact bytes RETR sends for a message (before dot-stuffing)',
    params: request.messageParams,
    answers: {
      200: { description: 'The message', text: 'message/rfc822' },
      400: refused,
      404: unknown('user or message'),
    },
  }),
  listDeleted: endpoint({
    operationId: 'listDeleted',
    method: 'GET',
    path: '/api/users/{user}/deleted',
    summary: 'Messages removed at UPDATE, oldest first',
    params: request.userParams,
    answers: {
      200: json('Deleted messages', z.array(response.deletedMessage)),
      400: refused,
      404: unknown('user'),
    },
  }),
  getOutcome: endpoint({
    operationId: 'getOutcome',
    method: 'GET',
    path: '/api/users/{user}/outcome',
    summary: 'What is left, what UPDATE removed and what was retrieved',
    params: request.userParams,
    answers: { 200: json('Outcome', response.outcome), 400: refused, 404: unknown('user') },
  }),
  listRules: endpoint({
    operationId: 'listRules',
    method: 'GET',
    path: '/api/faults',
    summary: 'Every fault rule with its hits, in the order they are checked',
    answers: { 200: json('Rules', z.array(response.ruleStatus)) },
  }),
  addRules: endpoint({
    operationId: 'addRules',
    method: 'POST',
    path: '/api/faults',
    summary: 'Add fault rules, all or none; verbs in any case',
    body: request.faultsBody,
    answers: {
      201: json('The rules added, with their ids', z.array(response.createdRule)),
      400: refused,
      410: closed,
    },
  }),
  removeRule: endpoint({
    operationId: 'removeRule',
    method: 'DELETE',
    path: '/api/faults/{id}',
    summary: 'Remove one fault rule',
    params: request.ruleParams,
    answers: { 200: json('Removed', response.ruleRemoved), 400: refused, 404: unknown('rule'), 410: closed },
  }),
  listPendingRules: endpoint({
    operationId: 'listPendingRules',
    method: 'GET',
    path: '/api/faults/pending',
    summary: 'Rules that never fired',
    answers: { 200: json('Rules', z.array(response.pendingRule)) },
  }),
  reset: endpoint({
    operationId: 'reset',
    method: 'POST',
    path: '/api/reset',
    summary:
      'Mailboxes as seeded, run-time rules removed, transcripts forgotten; pending fault delays and hangs released (waits go on)',
    answers: { 200: json('Reset', response.resetDone), 410: closed },
  }),
  listSessions: endpoint({
    operationId: 'listSessions',
    method: 'GET',
    path: '/api/sessions',
    summary: 'Sessions as a transcript export, oldest first (secrets masked unless secrets=true)',
    query: request.exportQuery,
    answers: { 200: json('Sessions', response.transcriptExport), 400: refused },
  }),
  getDroppedSessions: endpoint({
    operationId: 'getDroppedSessions',
    method: 'GET',
    path: '/api/dropped-sessions',
    summary: 'Ended sessions dropped to honour keepSessions: how many, the newest id, the limit',
    query: request.sessionQuery,
    answers: { 200: json('Dropped sessions', response.droppedAnswer), 400: refused },
  }),
  getSession: endpoint({
    operationId: 'getSession',
    method: 'GET',
    path: '/api/sessions/{id}',
    summary: 'One session',
    params: request.sessionParams,
    answers: { 200: json('The session', response.sessionJSON), 400: refused, 404: unknown('session') },
  }),
  getSessionTranscript: endpoint({
    operationId: 'getSessionTranscript',
    method: 'GET',
    path: '/api/sessions/{id}/transcript',
    summary: 'One session as C:/S: text',
    params: request.sessionParams,
    answers: {
      200: { description: 'The transcript', text: 'text/plain' },
      400: refused,
      404: unknown('session'),
    },
  }),
  getTranscript: endpoint({
    operationId: 'getTranscript',
    method: 'GET',
    path: '/api/transcript',
    summary: 'Sessions as C:/S: text, as pop3.transcript() renders it',
    query: request.transcriptQuery,
    answers: { 200: { description: 'The transcript', text: 'text/plain' }, 400: refused },
  }),
  listCommands: endpoint({
    operationId: 'listCommands',
    method: 'GET',
    path: '/api/commands',
    summary: "Commands received, as 'RETR 1' (secrets masked)",
    query: request.sessionQuery,
    answers: { 200: json('Commands', z.array(z.string())), 400: refused },
  }),
  verify: endpoint({
    operationId: 'verify',
    method: 'POST',
    path: '/api/verify',
    summary: 'Check that a command was received (times, user, session)',
    body: request.verifyBody,
    answers: {
      200: json('Verified', response.verified),
      400: refused,
      422: json('Not verified: the closest commands seen', response.verifyFailed),
    },
  }),
  waitNextSession: endpoint({
    operationId: 'waitNextSession',
    method: 'POST',
    path: '/api/wait/next-session',
    summary: 'Wait for the next session to connect',
    query: request.secretsQuery,
    body: request.waitSessionBody,
    answers: { 200: json('The session', response.sessionJSON), 400: refused, 408: timedOut },
  }),
  waitSessionEnd: endpoint({
    operationId: 'waitSessionEnd',
    method: 'POST',
    path: '/api/wait/session-end',
    summary: 'Wait for a session (default: the latest) to end',
    query: request.secretsQuery,
    body: request.waitEndBody,
    answers: {
      200: json('The session', response.sessionJSON),
      400: refused,
      404: unknown('session'),
      408: timedOut,
    },
  }),
  waitCommand: endpoint({
    operationId: 'waitCommand',
    method: 'POST',
    path: '/api/wait/command',
    summary: 'Wait for a command matching a pattern (recorded on arrival)',
    query: request.secretsQuery,
    body: request.waitCommandBody,
    answers: { 200: json('The command', response.locatedCommand), 400: refused, 408: timedOut },
  }),
  streamEvents: endpoint({
    operationId: 'streamEvents',
    method: 'GET',
    path: '/api/events',
    summary: 'Server-sent events: every session event as it happens, secrets masked',
    query: request.eventsQuery,
    answers: {
      200: {
        description:
          'An event stream, opened by a comment with the server\'s time (`: pop3-mock events at ms`, ms since the epoch: a reader whose clock is off learns by how much); each `data:` is an event as JSON, and its `id:` when the server recorded it (ms since the epoch, with a fraction while it keeps one: a reader compares it with the time of its call). With `since`, the recorded events at or after that time (ms since the epoch, real time, compared with their `id`s: a server\'s fake clock does not move them) come first, then the live ones, none twice. A reader that leaves more than 8 MiB unread gets a last `event: overflow` (data `{ "unread": octets }`) and the stream ends. When the server closes, a last `event: closing` (data `{}`) ends it. A quiet stream gets a comment line every 30 s.',
        text: 'text/event-stream',
      },
      410: closed,
    },
  }),
} as const satisfies Record<string, Endpoint>;

export type OperationId = keyof typeof endpoints;
export type EndpointOf<O extends OperationId> = (typeof endpoints)[O];
