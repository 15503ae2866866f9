import * as z from 'zod';
import { TLS_FAILURE_CAUSES } from '../tls-causes';
import type { EndReason, TlsFailureCause } from '../vocabulary';
import { nearest } from './nearest';
import { int } from './primitives';
import { codePattern, filterOptions, sessionFilter, times } from './queries';

/*
 * What the jest and vitest matchers take besides the received value, checked
 * as every other door checks: a misspelt option, reason or cause is an
 * error, so `.not` can never pass on a question nobody asked.
 */

/** Every {@link EndReason}: a Record, so a reason added to the vocabulary fails to compile until listed. */
const END_REASONS: Readonly<Record<EndReason, true>> = {
  'quit-update': true,
  'quit-authorization': true,
  'client-closed': true,
  'server-closed': true,
  autologout: true,
  fault: true,
  refused: true,
};

const endReason = z.enum(Object.keys(END_REASONS) as [EndReason, ...EndReason[]]);

/** Message numbers or UIDs, not a mix of both. */
const messageList = z
  .array(z.union([int(1), z.string().min(1)], { error: 'expected a message number or a UID' }), {
    error: 'expected an array of message numbers or UIDs',
  })
  .refine((list) => list.every((m) => typeof m === 'number') || list.every((m) => typeof m === 'string'), {
    error: 'expected message numbers or UIDs, not a mix of both',
  })
  .readonly();

const tlsCause = z.string().superRefine((value, ctx) => {
  if ((TLS_FAILURE_CAUSES as readonly string[]).includes(value)) return;
  const guess = nearest(value, TLS_FAILURE_CAUSES);
  ctx.addIssue({
    code: 'custom',
    message: `expected a TLS failure cause${guess === undefined ? '' : ` such as ${JSON.stringify(guess)}, the nearest`} (docs/TLS.md lists them)`,
    input: value,
  });
}) as unknown as z.ZodType<TlsFailureCause>;

// Each matcher's arguments after the received value, as one object: an
// error names the argument (`options.sesionId`, `reason`).

/** `toHaveReceivedCommand`: a pattern, and `pop3.verify()`'s options without it. */
export const receivedCommandArguments = z.object({
  pattern: codePattern,
  options: z.strictObject({ times: times.optional(), ...sessionFilter }),
});

/** `toHaveReceivedCommands`. */
export const receivedCommandsArguments = z.object({
  // An empty list holds of any server: a question nobody asked.
  patterns: z
    .array(codePattern, { error: 'expected an array of command patterns' })
    .min(1, { error: 'expected at least one command pattern' })
    .readonly(),
  options: filterOptions,
});

/** `toHaveDeletedMessages`, `toHaveRetrievedMessages`. */
export const messageSetArguments = z.object({ expected: messageList, options: filterOptions });

/** `toHaveEndedWith`. */
export const endedWithArguments = z.object({ reason: endReason, options: filterOptions });

/** `toHaveRefusedTls`, `toHaveTlsFailure`. */
export const tlsArguments = z.object({
  options: z.strictObject({
    cause: z.union([tlsCause, z.array(tlsCause).min(1)]).optional(),
    sessionId: int(1).optional(),
  }),
});
