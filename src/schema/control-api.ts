import * as z from 'zod';
import { faultRule, faultRules } from './fault-rule';
import { made } from './made';
import { wireMessages, wireUser } from './options';
import { int, ruleId, userName } from './primitives';
import {
  noTimestampsWhenStable,
  SINCE_WITH_SESSION,
  sessionFilter,
  sessionWaitOptions,
  textPattern,
  times,
  waitForCommandOptions,
} from './queries';

/*
 * What a client of the HTTP control API hands over: path parameters, query
 * strings and JSON bodies. The control server checks each request against
 * these before it acts (400 with `{ error, path, issues }`), and the OpenAPI
 * document is generated from them. Made on first use (`z.lazy`), as the
 * answers are (contract/responses.ts).
 */

/** A number in a path or query string: digits only, read exactly (up to 16: any safe integer, as in process). */
const digits = (min: number, max?: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, { error: 'expected digits' })
    .transform(Number)
    .pipe(int(min, max));

const flag = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

export const userParams = z.lazy(() => z.strictObject({ user: userName }));
export const messageParams = z.lazy(() => z.strictObject({ user: userName, number: digits(1) }));
export const ruleParams = z.lazy(() => z.strictObject({ id: ruleId }));
export const sessionParams = z.lazy(() => z.strictObject({ id: digits(1) }));

/**
 * The browser view's live stream, `/ui/events`: the session list, or with
 * `session` that session's lines from `from` on, its page rendered at the
 * `reset()` count `resets`. The view's own script sends it.
 */
export const uiEventsQuery = z.lazy(() =>
  z.strictObject({
    session: digits(1).optional(),
    from: digits(0).optional(),
    resets: digits(0).optional(),
  }),
);

export const sessionQuery = z.lazy(() =>
  z.strictObject({ user: userName.optional(), sessionId: digits(1).optional() }),
);
/**
 * `since=ms`: the event stream first replays the recorded events at or after
 * that time (the remote client's `on()` gives the time it was called, so no
 * event between the call and the stream's connection is missed). With a
 * fraction, as the remote client sends it: within that millisecond the
 * server's record of each event's time to a fraction decides.
 */
export const eventsQuery = z.lazy(() =>
  z.strictObject({
    since: z
      .string()
      .regex(/^\d{1,16}(\.\d{1,9})?$/, {
        error: 'expected ms since the epoch: digits, with a fraction or not',
      })
      .transform(Number)
      .optional(),
  }),
);
/** `secrets=true`: records with real values, as in process (the remote client asks so); masked by default. */
export const secretsQuery = z.lazy(() => z.strictObject({ secrets: flag.optional() }));
export const exportQuery = z.lazy(() => made(sessionQuery).extend(made(secretsQuery).shape));
export const transcriptQuery = z.lazy(() =>
  made(exportQuery)
    .extend({
      stable: flag.optional(),
      notes: flag.optional(),
      header: flag.optional(),
      timestamps: flag.optional(),
    })
    .superRefine(noTimestampsWhenStable),
);

/** A command pattern as JSON carries it: a string, or a RegExp's source and flags. */
export const wirePattern = z.lazy(() =>
  z
    .union(
      [
        textPattern,
        z.strictObject({
          // No bound but the body's: in process a RegExp of any length is taken.
          regex: z.string().min(1),
          flags: z
            .string()
            .regex(/^[dgimsuvy]*$/, { error: 'expected RegExp flags such as "i"' })
            .optional(),
        }),
      ],
      {
        error:
          'expected a pattern: a string such as "RETR 1" (a verb first), or { "regex": "^RETR", "flags": "i" }',
      },
    )
    .transform((pattern, ctx) => {
      if (typeof pattern === 'string') return pattern;
      try {
        return new RegExp(pattern.regex, pattern.flags);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['regex'],
          message: `expected a valid RegExp: ${(error as Error).message}`,
          input: undefined,
        });
        return z.NEVER;
      }
    }),
);

export const putUserBody = z.lazy(() => wireUser);
export const deliverBody = z.lazy(() => z.strictObject({ messages: wireMessages }));
export const faultsBody = z.lazy(() =>
  z.union(
    [
      z.strictObject({ rules: faultRules }),
      z.strictObject({ rule: faultRule }).transform(({ rule }) => ({ rules: [rule] })),
    ],
    { error: 'expected { "rules": [ ... ] } or { "rule": { ... } }' },
  ),
);
export const verifyBody = z.lazy(() =>
  z.strictObject({ pattern: wirePattern, times: times.optional(), ...sessionFilter }),
);
/** When a remote caller made its call, so a wait looks from then on: the request's travel would miss what came meanwhile. */
const callTime = (what: string) =>
  z
    .number()
    .min(0)
    .optional()
    .meta({
      description: `When the caller made the call, on the server's clock (ms since the epoch, with a fraction, as the server's \`performance.timeOrigin + performance.now()\`; \`GET /api/status\`'s \`now\` tells a caller how far its own clock is from it): ${what}`,
    });
export const waitSessionBody = z.lazy(() =>
  sessionWaitOptions.extend({
    arrivedSince: callTime(
      'without `since`, a session that began after it is the next one, though it began while the request travelled.',
    ),
  }),
);
export const waitEndBody = z.lazy(() =>
  sessionWaitOptions
    .extend({
      sessionId: int(1).optional(),
      arrivedSince: callTime(
        'without `sessionId` and `since`, the latest session is the latest begun before it (else the first after it), as at the call.',
      ),
    })
    .superRefine((body, ctx) => {
      // The issue explains itself: no "got" (the input is the whole body).
      if (body.sessionId !== undefined && body.since !== undefined)
        ctx.addIssue({ code: 'custom', path: ['since'], message: SINCE_WITH_SESSION, input: undefined });
    }),
);
export const waitCommandBody = z.lazy(() =>
  waitForCommandOptions.extend({
    pattern: wirePattern,
    arrivedSince: callTime(
      "a command that arrived after it counts, though it came while the request travelled. Within the call's own millisecond the server orders commands by their arrival to a fraction of a millisecond.",
    ),
  }),
);
