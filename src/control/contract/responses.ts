import * as z from 'zod';
import type { Missing } from '../../not-found-error';
import { faultRuleFields } from '../../schema/fault-rule';
import { made } from '../../schema/made';
import type { Same } from '../../schema/same-type';
import { TLS_FAILURE_CAUSES, TLS_REFUSAL_CAUSES } from '../../tls-causes';
import type { Pop3Event } from '../../vocabulary';

/*
 * What the control API answers, as schemas: the OpenAPI document is
 * generated from them, the remote client reads answers through them, and
 * the contract test checks every real answer of the suite against them.
 * Made on first use (`z.lazy`): every process that loads the package loads
 * the remote client, few of them call the control API.
 */

const isoDate = z.string().meta({ format: 'date-time', description: 'ISO 8601' });
const count = z.int().min(0);

export const missing = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), user: z.string() }),
    z.object({ kind: z.literal('message'), user: z.string(), number: z.int().min(1) }),
    z.object({ kind: z.literal('session'), sessionId: z.int().min(1) }),
  ]),
);
/** Fails to compile the day the 404's `missing` and the NotFoundError's part. */
export const missingMatchesError: Same<z.output<typeof missing>, Missing> = true;

export const errorBody = z.lazy(() =>
  z
    .object({
      error: z.string(),
      path: z
        .string()
        .optional()
        .meta({ description: 'Where in the request the first problem is (400 only).' }),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      problem: z.string().optional().meta({
        description:
          'A fixture that cannot be read (400 only): what is wrong with it, without the place `path` names.',
      }),
      missing: missing
        .optional()
        .meta({ description: 'What was not found (404 only): a user, a message of a user, or a session.' }),
      seen: z.array(z.string()).optional().meta({
        description: 'A wait that ran out (408 only): the transcript lines it saw meanwhile, secrets masked.',
      }),
      cancelled: z
        .literal(true)
        .optional()
        .meta({ description: 'A wait the server cut short (408 only): it was closed while the wait ran.' }),
      closed: z.literal(true).optional().meta({
        description: 'A change asked of a server that was closed (410 only): it takes no more changes.',
      }),
      call: z.string().optional().meta({
        description:
          'The method of the test API the request made, refused as closed (410 only): `use`, `addUser`, ...',
      }),
    })
    .meta({ description: 'Every 4xx answer: what was wrong, and for a refused request, where.' }),
);

export const userLoggedIn = z.lazy(() =>
  z
    .object({
      error: z.string(),
      user: z.string(),
      sessionId: z.int().min(1),
      call: z
        .enum(['addUser', 'removeUser'])
        .meta({ description: 'The call refused: replacing the user (PUT) or removing it (DELETE).' }),
    })
    .meta({ description: 'A session is logged in as the user: nothing was changed.' }),
);

export const status = z.lazy(() =>
  z.object({
    host: z.string(),
    port: z.int(),
    tlsPort: z.int().nullable(),
    smtpPort: z.int().nullable(),
    smtpTlsPort: z.int().nullable(),
    users: z.array(z.string()),
    keepSessions: z
      .union([z.int().min(1), z.literal('all')])
      .meta({ description: 'How many ended sessions the transcripts keep ("all": no limit).' }),
    ca: z
      .string()
      .nullable()
      .meta({ description: 'The CA (PEM) that signed the server certificate; null without TLS.' }),
    now: z.number().meta({
      description:
        "The server's clock when it answered (ms since the epoch, with a fraction): how far a client's clock is from the server's, whose times the event stream's ids, `since` and `arrivedSince` are in.",
    }),
  }),
);

export const userSummary = z.lazy(() => z.object({ user: z.string(), messages: count }));

export const messageInfo = z.lazy(() =>
  z.object({
    number: z.int().min(1),
    uid: z.string(),
    size: count,
    deliveredAt: isoDate,
  }),
);
export const deletedMessage = z.lazy(() =>
  z.object({
    uid: z.string(),
    size: count,
    sessionId: z.int(),
    deletedAt: isoDate,
  }),
);

export const userCreated = z.lazy(() => z.object({ user: z.string(), messages: z.array(messageInfo) }));
export const userRemoved = z.lazy(() => z.object({ removed: z.string() }));

export const outcome = z.lazy(() =>
  z.object({
    user: z.string(),
    remaining: z.array(z.object({ number: z.int(), uid: z.string(), size: count })),
    deleted: z.array(
      z.object({
        uid: z.string(),
        size: count,
        sessionId: z.int(),
        number: z.int().nullable(),
        deletedAt: isoDate,
      }),
    ),
    retrieved: z.array(z.object({ sessionId: z.int(), number: z.int(), uid: z.string() })),
    dropped: droppedSessions.nullable().meta({
      description: "null when none of the user's sessions was dropped; else retrieved leaves theirs out.",
    }),
  }),
);

/** A rule as stored: checked, verbs upper-case, with its id. */
export const storedRule = z.lazy(() => made(faultRuleFields).extend({ id: z.string() }));
export const ruleStatus = z.lazy(() =>
  z.object({
    rule: storedRule,
    explain: z.string(),
    hits: count,
    source: z.enum(['options', 'runtime']),
  }),
);
export const pendingRule = z.lazy(() => z.object({ rule: storedRule, explain: z.string() }));
export const createdRule = z.lazy(() => z.object({ id: z.string(), explain: z.string() }));
export const ruleRemoved = z.lazy(() => z.object({ removed: z.string() }));
export const resetDone = z.lazy(() => z.object({ reset: z.literal(true) }));

/** A session event; `type` names the kind, the other fields depend on it (see Pop3Event in the TypeScript API). */
export const event = z.lazy(
  () =>
    z.looseObject({ type: z.string(), sessionId: z.int(), at: z.number() }).meta({
      description: 'A session event, secrets masked. `at`: milliseconds since the epoch.',
    }) as unknown as z.ZodType<Pop3Event, Pop3Event>,
);

export const sessionJSON = z.lazy(() =>
  z.object({
    id: z.int(),
    user: z.string().nullable(),
    remoteAddress: z.string(),
    remotePort: z.int(),
    tls: z.enum(['none', 'implicit', 'stls']),
    state: z.enum(['AUTHORIZATION', 'TRANSACTION', 'UPDATE']),
    startedAt: isoDate,
    endedAt: isoDate.nullable(),
    endReason: z.string().nullable().meta({ description: 'How the session ended; null while it is open.' }),
    commands: z.array(z.string()),
    retrieved: z.array(z.object({ number: z.int(), uid: z.string() })),
    deleted: z.array(z.object({ number: z.int(), uid: z.string() })),
    tlsRefusal: z
      .object({
        mode: z.enum(['implicit', 'stls']),
        stage: z.enum(['handshake', 'after-handshake']),
        cause: z.enum(TLS_REFUSAL_CAUSES).meta({
          description:
            'The TLS alert the client sent (RFC 8446 name, e.g. unknown_ca) or no-alert: a client refusal. A handshake that failed without one (server-error, no-handshake, not-tls, server-ended) is no refusal and leaves tlsRefusal null; tlsFailure has it.',
        }),
        code: z.string(),
        reason: z.string(),
        at: z.number(),
        commandsBefore: z.array(z.string()),
        commandsAfter: z.array(z.string()),
        credentialsInPlaintext: z.boolean(),
      })
      .nullable()
      .meta({
        description:
          'How the client refused TLS, and what it sent in plaintext around that; null if it did not.',
      }),
    tlsFailure: z
      .object({
        mode: z.enum(['implicit', 'stls']),
        cause: z.enum(TLS_FAILURE_CAUSES).meta({
          description:
            'What ended the handshake: a client refusal (its alert, or no-alert), or server-error, no-handshake, not-tls, server-ended, where no client refused anything.',
        }),
        refused: z.boolean().meta({ description: 'Whether the cause is a client refusal.' }),
        code: z.string(),
        reason: z.string(),
        at: z.number(),
      })
      .nullable()
      .meta({
        description:
          'The TLS handshake that did not complete, whoever caused it; null when none failed (a close after a completed handshake is in tlsRefusal only).',
      }),
    events: z.array(event),
    errors: z
      .array(z.object({ message: z.string(), stack: z.string().optional(), at: z.number() }))
      .meta({ description: 'Errors inside the mock that ended the session with -ERR (a bug of pop3-mock).' }),
    transcript: z.array(z.string()),
  }),
);

export const droppedSessions = z.lazy(() =>
  z
    .object({
      sessions: z.int().min(1),
      lastId: z.int().min(1).meta({ description: 'The highest session id among the dropped ones.' }),
      keep: z.int().min(1).meta({ description: 'The keepSessions limit: how many ended sessions are kept.' }),
    })
    .meta({
      description:
        'Ended sessions the query would select whose records were dropped to honour keepSessions (since the start or the last reset). Ids are never reused: a session begun since then that is missing, with an id up to lastId, was dropped.',
    }),
);

export const transcriptExport = z.lazy(() =>
  z.object({
    format: z.literal('pop3-mock-transcripts'),
    version: z.literal(1),
    dropped: droppedSessions.nullable().meta({ description: 'null when no session was dropped.' }),
    sessions: z.array(sessionJSON),
  }),
);

export const droppedAnswer = z.lazy(() =>
  z.object({
    dropped: droppedSessions.nullable().meta({ description: 'null when no session was dropped.' }),
  }),
);

export const verified = z.lazy(() => z.object({ verified: z.literal(true), count }));
export const verifyFailed = z.lazy(() =>
  z.object({ error: z.string(), count, nearMisses: z.array(z.string()) }),
);

export const locatedCommand = z.lazy(() =>
  z.object({
    sessionId: z.int(),
    verb: z.string(),
    args: z.array(z.string()).meta({ description: 'Secret arguments (PASS, APOP, AUTH) masked.' }),
    raw: z.string().meta({ description: 'The line as received, secrets masked.' }),
    reply: z.string().nullable().meta({ description: 'The first line of the reply, once sent.' }),
    replyCut: z.object({ bytes: z.int(), wholeBytes: z.int() }).nullable().meta({
      description:
        'When the reply was cut short (a fault, the client closing): `bytes` of its `wholeBytes` octets reached the client. Null for a whole reply.',
    }),
    index: z.int(),
    state: z.enum(['AUTHORIZATION', 'TRANSACTION', 'UPDATE']),
    user: z.string().nullable(),
    at: z.number(),
  }),
);
