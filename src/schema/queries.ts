import * as z from 'zod';
import type { LocatedCommand } from '../vocabulary';
import { int, userName } from './primitives';

/*
 * What a test asks of the transcripts: verify and wait options, in process
 * and over the control API, checked so that a wrong count or a misspelt
 * key is an error, never a silent "verified".
 */

/** How many times a command must have been received: exactly n, or a range. */
export const times = z.union(
  [
    int(0),
    z
      .strictObject({ atLeast: int(0).optional(), atMost: int(0).optional() })
      // Only when the keys are right: a misspelt key is the one problem to report.
      .refine((t) => t.atLeast !== undefined || t.atMost !== undefined, {
        error: 'expected "atLeast", "atMost" or both',
        when: (payload) => payload.issues.length === 0,
      })
      .refine((t) => t.atLeast === undefined || t.atMost === undefined || t.atLeast <= t.atMost, {
        error: 'expected atLeast <= atMost',
      }),
  ],
  { error: 'expected a count (an integer >= 0) or { "atLeast": n, "atMost": m }' },
);

export const sessionFilter = {
  user: userName.optional(),
  sessionId: int(1).optional(),
};

/**
 * A pattern given as text: a verb first. `*` stands for one argument, never
 * for the verb, so a blank pattern or `'*'` could match no command and would
 * make any `times: 0` or `.not` pass.
 */
export const textPattern = z.string().regex(/^\s*[^\s*]/, {
  error:
    'expected a command pattern with a verb first, such as "RETR 1" ("*" stands for one argument, never the verb)',
});

/** A command pattern as code gives it: `'RETR 1'`, `'RETR *'`, a RegExp or a predicate. */
export const codePattern = z.union(
  [
    textPattern,
    z.instanceof(RegExp),
    z.custom<(command: LocatedCommand) => boolean>((v) => typeof v === 'function'),
  ],
  { error: 'expected a command pattern: a string such as "RETR 1" (a verb first), a RegExp or a function' },
);

export const verifyOptions = z.strictObject({
  pattern: codePattern,
  times: times.optional(),
  ...sessionFilter,
});

/** A wait's time limit: default 5000 ms, at most 10 minutes. */
export const timeoutMs = int(0, 600_000);

/** "The first session with an id greater than this": a wait begun after connecting still sees its session. */
export const since = int(0).meta({
  description: 'A session id: wait for the first session with a greater id (now, if it has begun).',
});

/** Which sessions a query reads: `commands()`, `listSessions()`. */
export const filterOptions = z.strictObject(sessionFilter);

/** Whether PASS, APOP digests and SASL data are printed as sent: exported and rendered sessions alike. */
const secrets = z.boolean().optional();

/** Options of `exportTranscripts()`: which sessions, and whether secrets stay unmasked. */
export const exportOptions = z.strictObject({ secrets, ...sessionFilter });

/**
 * How sessions are printed: `RenderOptions`, whose TSDoc users see
 * (transcript/render.ts fails to compile the day the two part).
 */
const printing = z.strictObject({
  stable: z.boolean().optional(),
  secrets,
  notes: z.boolean().optional(),
  header: z.boolean().optional(),
  timestamps: z.boolean().optional(),
});

/**
 * `stable` output has no times (it is for snapshots), so `timestamps` beside
 * it would be dropped: refused, at every door that prints sessions.
 */
export function noTimestampsWhenStable(
  options: { stable?: boolean | undefined; timestamps?: boolean | undefined },
  ctx: z.RefinementCtx,
): void {
  if (options.stable === true && options.timestamps === true)
    ctx.addIssue({
      code: 'custom',
      path: ['timestamps'],
      message: 'expected no timestamps with stable: stable output has no times (it is for snapshots)',
      input: undefined,
    });
}

/** Options of a session record's `render()`: how it is printed. */
export const renderOptions = printing.superRefine(noTimestampsWhenStable);

/** Options of `transcript()`: which sessions, and how they are printed. */
export const transcriptOptions = printing.extend(sessionFilter).superRefine(noTimestampsWhenStable);

/** Options of `waitFor()`. */
export const waitTimeoutOptions = z.strictObject({ timeoutMs: timeoutMs.optional() });

/**
 * `sessionEnd()`'s `since` picks the session to wait for when none is given:
 * beside a session it would be ignored, and the wait not the one asked for.
 */
export const SINCE_WITH_SESSION =
  'expected no since with a session: since picks the session to wait for (the first after it) when none is given';

/** Options of `nextSession()` and `sessionEnd()`, in process and over the control API. */
export const sessionWaitOptions = z.strictObject({
  timeoutMs: timeoutMs.optional(),
  since: since.optional(),
});

/** Options of `waitForCommand()`, in process and over the control API. */
export const waitForCommandOptions = z.strictObject({
  timeoutMs: timeoutMs.optional(),
  includePast: z.boolean().optional(),
  ...sessionFilter,
});

/** A pattern with its wait options, as `waitForCommand()` takes them in process. */
export const codeWaitForCommand = waitForCommandOptions.extend({ pattern: codePattern });
