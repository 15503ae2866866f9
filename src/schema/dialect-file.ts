import * as z from 'zod';
import type { DialectFile } from '../dialects/dialect-file';
import {
  FILE_TEXT_NAMES,
  type FileTextName,
  placeholdersOf,
  TEXT_CHOICES,
  TEXT_PLACEHOLDERS,
} from '../dialects/file-placeholders';
import { DIALECT_NAMES } from './dialect-names';
import { int } from './primitives';
import type { Same } from './same-type';

/*
 * A dialect file (`pop3-mock capture` writes one, `loadDialect()` and
 * `--dialect FILE` read one, `startPop3Mock({ dialect })` takes it parsed).
 * Every template is checked against the placeholders its text can fill, so a
 * typo is refused at the door with the text's path, not printed to a client.
 * Made on first use (`z.lazy`), as the fault rules are: most processes never
 * read a dialect file.
 */

/** Reply text: printable ASCII, as the mock sends it (safeText writes `?` for anything else); the mock adds the CRLF. */
const replyText = z.string().regex(/^[\x20-\x7e]*$/, {
  error: 'expected one line of printable ASCII (the mock sends ? for any other character)',
});
const states = <T extends z.ZodType>(value: T) =>
  z.strictObject({ AUTHORIZATION: value.optional(), TRANSACTION: value.optional() });

const fileText = z.lazy(() =>
  z.union(
    [
      replyText,
      z.strictObject({
        byVerb: z
          .record(z.string().regex(/^[A-Z0-9-]{1,40}$/, { error: 'expected an upper-case verb' }), replyText)
          .optional(),
        byState: states(replyText).optional(),
        otherwise: replyText,
      }),
    ],
    { error: 'expected a template string or { byVerb, byState, otherwise }' },
  ),
);

/** Every template a text holds, for the placeholder check. */
function templatesOf(text: z.output<typeof fileText>): string[] {
  if (typeof text === 'string') return [text];
  return [...Object.values(text.byVerb ?? {}), ...Object.values(text.byState ?? {}), text.otherwise].filter(
    (t): t is string => t !== undefined,
  );
}

const textsShape = () =>
  Object.fromEntries(
    FILE_TEXT_NAMES.map((name) => [
      name,
      (name === 'autologout' ? fileText.nullable() : fileText).optional(),
    ]),
  ) as {
    [K in FileTextName]: z.ZodOptional<
      K extends 'autologout' ? z.ZodNullable<typeof fileText> : typeof fileText
    >;
  };

const texts = z.lazy(() =>
  z.strictObject(textsShape()).superRefine((given, ctx) => {
    for (const [name, text] of Object.entries(given) as [FileTextName, z.output<typeof fileText> | null][]) {
      if (text === null || text === undefined) continue;
      if (typeof text === 'object') unreadChoices(name, text, ctx);
      const allowed = TEXT_PLACEHOLDERS[name];
      for (const placeholder of templatesOf(text).flatMap(placeholdersOf)) {
        if (allowed.includes(placeholder)) continue;
        ctx.addIssue({
          code: 'custom',
          path: [name],
          input: undefined,
          message: `unknown placeholder {${placeholder}} in ${name} (it can use ${
            allowed.length === 0 ? 'none' : allowed.map((p) => `{${p}}`).join(', ')
          }; write {{ and }} for braces)`,
        });
      }
    }
  }),
);

/** A `byVerb` or `byState` the mock never reads for `name` (it sends `otherwise`), or a `byVerb` verb it never hands it. */
function unreadChoices(
  name: FileTextName,
  text: { byVerb?: object; byState?: object },
  ctx: z.RefinementCtx,
) {
  const choices = TEXT_CHOICES[name] ?? {};
  const refuse = (path: string[], message: string) =>
    ctx.addIssue({ code: 'custom', path: [name, ...path], input: undefined, message });
  if (text.byState !== undefined && choices.byState === undefined)
    refuse(
      ['byState'],
      `expected no byState: ${name} is the same in every state (the mock sends "otherwise")`,
    );
  if (text.byVerb === undefined) return;
  if (choices.byVerb === undefined)
    refuse(
      ['byVerb'],
      `expected no byVerb: ${name} is the same for every command (the mock sends "otherwise")`,
    );
  else if (choices.byVerb !== 'any') {
    const verbs = choices.byVerb;
    for (const verb of Object.keys(text.byVerb).filter((v) => !verbs.includes(v)))
      refuse(
        ['byVerb', verb],
        `expected one of ${verbs.join(', ')}: ${name} is chosen by the command that logged in`,
      );
  }
}

const capaLines = z
  .array(z.string().regex(/^[\x21-\x7e][\x20-\x7e]*$/, { error: 'expected a CAPA line' }))
  .readonly();

/** An APOP timestamp shape: printable, no spaces, `<...>`, placeholders from the four the mock fills. */
const apopShape = z.string().regex(/^<(?:[\x21-\x3b=?-z|~]|\{(?:digits|hex|base64|host)\})+>$/, {
  error:
    'expected a timestamp shape like "<{digits}.{hex}.{base64}@{host}>" ({digits}, {hex}, {base64}, {host})',
});

/** A dialect file's `name` (and `pop3-mock capture --name`). */
export const dialectName = z
  .string()
  .regex(/^[\x20-\x7e]{1,100}$/, { error: 'expected a name of 1 to 100 printable characters' });

export const dialectFile = z.lazy(() =>
  z.strictObject({
    format: z.literal('pop3-mock-dialect/1', { error: 'expected "pop3-mock-dialect/1"' }),
    name: dialectName,
    extends: z.enum(DIALECT_NAMES),
    texts: texts.optional(),
    capa: z
      .strictObject({
        beforeLogin: capaLines.optional(),
        afterLogin: capaLines.optional(),
        afterStls: capaLines.optional(),
      })
      .optional(),
    behaviour: z
      .strictObject({
        // RFC 2449 §4: at least 255 octets; 1 MiB is past any server's buffer.
        maxLineLength: states(int(255, 1_048_576)).optional(),
        closeOnLongLine: z.boolean().optional(),
        maxBadCommands: states(int(1, 10_000).nullable()).optional(),
        ignoreExtraArguments: z.boolean().optional(),
        authListsMechanisms: z.boolean().optional(),
        userTakesRestOfLine: z.boolean().optional(),
        userKeptUntilPass: z.boolean().optional(),
        failedPassKeepsUser: z.boolean().optional(),
        authTakesRestOfLine: z.boolean().optional(),
        apopTimestamp: apopShape.nullable().optional(),
        argumentReader: z
          .discriminatedUnion(
            'kind',
            [
              z.strictObject({ kind: z.literal('words') }),
              z.strictObject({
                kind: z.literal('scan'),
                largestMessageNumber: int(1, Number.MAX_SAFE_INTEGER).optional(),
              }),
            ],
            { error: 'expected { "kind": "words" } or { "kind": "scan", "largestMessageNumber"?: n }' },
          )
          .optional(),
        barePassTriesEmptyPassword: z.boolean().optional(),
        lock: z.enum(['exclusive', 'none']).optional(),
        requireTls: z.boolean().optional(),
      })
      .optional(),
    observed: z
      .strictObject({
        saslMechanisms: z.array(z.string()).readonly().optional(),
        rfcNumberingAfterDele: z.boolean().optional(),
        responseCodes: z.array(z.string()).readonly().optional(),
        // Written by the first capture; informational, as the whole section (see FileObservations).
        apopTimestamp: z.string().nullable().optional(),
      })
      .optional(),
    notLearned: z.array(z.string()).readonly().optional(),
  }),
);

/*
 * The TSDoc'd type lives in src/dialects/dialect-file.ts (the dialects import
 * no schema); this fails to compile the day the two stop describing one file.
 */
export const dialectFileMatchesSchema: Same<DialectFile, z.input<typeof dialectFile>> = true;
