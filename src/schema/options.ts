import * as z from 'zod';
import type { Clock } from '../clock';
import type { Dialect } from '../dialects';
import type { DialectFile } from '../dialects/dialect-file';
import { dialectOfCheckedFile } from '../dialects/from-file';
import type { ComposedMessage, PathMessage, RawMessage } from '../fixtures/types';
import type { Pop3MockOptions } from '../options';
import type { TlsCertificateMode, TlsVersion } from '../vocabulary';
import { builtInKind } from './built-in-kind';
import { dialectFile } from './dialect-file';
import { DIALECT_NAMES, isDialectPath } from './dialect-names';
import { faultRules } from './fault-rule';
import { strictObjectOfGivenKeys } from './given-keys';
import { made } from './made';
import {
  bytes,
  codeOnly,
  int,
  nonEmptyString,
  numberIn,
  PROTO_USER,
  password,
  port,
  uid,
  userName,
} from './primitives';
import type { Same } from './same-type';

/*
 * Server options: one definition for `startPop3Mock()`, the config file
 * (its JSON part), the jest global setup and the control API's user bodies.
 * Forms that only code can hand over (Buffers, functions, a Dialect or
 * Clock object) are added to the JSON forms here, never written twice.
 */

export { DIALECT_NAMES } from './dialect-names';
export const MECHANISM_NAMES = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'] as const;

// Message sources ------------------------------------------------------------

const pathMessage = z
  .strictObject({
    path: nonEmptyString,
    mboxFormat: z
      .enum(['mboxrd', 'mboxo'])
      .optional()
      .meta({ description: 'Read the file as an mbox with this `>From ` unquoting; refused for a folder.' }),
  })
  .meta({ description: 'An `.eml` file, a folder of `.eml` files, an mbox file or a Maildir.' });

/** nodemailer MailComposer fields (nodemailer checks their values); `raw` is left to the raw form. */
const COMPOSER_FIELDS = [
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'inReplyTo',
  'references',
  'subject',
  'messageId',
  'date',
  'text',
  'html',
  'watchHtml',
  'amp',
  'icalEvent',
  'attachments',
  'alternatives',
  'headers',
  'list',
  'otp',
  'envelope',
  'encoding',
  'textEncoding',
  'disableUrlAccess',
  'disableFileAccess',
  'attachDataUrls',
  'boundaryPrefix',
  'baseBoundary',
  'newline',
  'normalizeHeaderKey',
  'priority',
  'xMailer',
] as const satisfies readonly Exclude<keyof ComposedMessage, 'raw' | 'uid'>[];
// Every MailComposer field is listed: this fails to compile when nodemailer adds one.
export const composerFieldsComplete: Exclude<
  keyof ComposedMessage,
  'raw' | 'uid'
> extends (typeof COMPOSER_FIELDS)[number]
  ? true
  : false = true;
/**
 * The other forms' keys, refused in nodemailer fields with an issue that ends
 * this branch: the branch takes any object, so without them it was the one
 * zod reported whenever the form an object was meant as failed (bad base64
 * came out as `unknown key "rawBase64"`).
 */
const OTHER_FORM_KEYS = ['raw', 'rawBase64', 'path', 'mboxFormat'] as const satisfies readonly OtherFormKey[];
/** The keys of the other message forms (`rawBase64` is the control API's raw form). */
type OtherFormKey = Exclude<keyof RawMessage | keyof PathMessage, 'uid'> | 'rawBase64';
// Every other form's key is listed: this fails to compile when a form gains one.
export const otherFormKeysComplete: OtherFormKey extends (typeof OTHER_FORM_KEYS)[number] ? true : false =
  true;
// One schema for every free field: made once, where a schema per field was
// thirty-odd made at import.
const composerField = z.unknown().optional();
// Not lazy: zod's memoizer takes a lazy it has not yet resolved for a
// possible cycle, and then tracks every object of each later check of the
// containers around it (bench/README.md, 3 Dec 2026, fourth session).
const composedMessage = z
  .strictObject({
    ...Object.fromEntries(COMPOSER_FIELDS.map((k) => [k, composerField])),
    ...Object.fromEntries(
      OTHER_FORM_KEYS.map((k) => [
        k,
        z
          .never({
            error: `expected no ${k} among nodemailer fields (${k} belongs to another message form)`,
          })
          .optional(),
      ]),
    ),
    uid: uid.optional(),
  })
  .meta({
    description: 'nodemailer message fields (`from`, `to`, `subject`, `text`, `html`, `attachments`, ...).',
  }) as unknown as z.ZodType<ComposedMessage, ComposedMessage>;

const rawText = z
  .strictObject({ raw: z.string(), uid: uid.optional() })
  .meta({ description: 'The raw message, with an optional fixed uid.' });

/** A message as JSON can carry it: a path or raw text (a string with a line break), or one of the objects. */
const MESSAGE_FORMS = 'a path, raw text, { raw, uid }, { path } or nodemailer fields';
const JSON_MESSAGE = `expected a message: ${MESSAGE_FORMS}`;
/** A Buffer fits none of the forms; without this it was "expected an object", the nearest of them. */
const NOT_A_BUFFER = `${JSON_MESSAGE} (a config file's messages are text: give a Buffer's text as { raw: buffer.toString() }, or its bytes in a file and that file's path)`;
const jsonMessage = z.lazy(() =>
  // A .cjs config is code: a Buffer, a Date or a Map can reach here.
  z
    .custom<unknown>((value) => !Buffer.isBuffer(value), { error: NOT_A_BUFFER })
    .pipe(
      notBuiltIn(
        z.union([nonEmptyString, rawText, pathMessage, composedMessage], { error: JSON_MESSAGE }),
        JSON_MESSAGE,
      ),
    ),
);

/**
 * `forms`, after refusing a Date, a Map, a Set, ...: with no own keys it
 * fits nodemailer fields as an empty message (a Map's entries are no
 * fields). Before the forms: they give a new object, not the one given.
 */
function notBuiltIn<T extends z.ZodType>(forms: T, expected: string) {
  return z
    .custom<z.input<T>>((value) => builtInKind(value) === undefined, { error: expected })
    .pipe(forms as unknown as z.ZodType<z.output<T>, z.input<T>>);
}

/** The control API's extra form: raw bytes as base64 (made with wireMessage, inside its lazy: see composedMessage). */
const base64Message = () =>
  z
    .strictObject({ rawBase64: z.base64({ error: 'expected base64 text' }), uid: uid.optional() })
    .transform(({ rawBase64, uid: given }) => ({
      raw: Buffer.from(rawBase64, 'base64'),
      ...(given === undefined ? {} : { uid: given }),
    }))
    .meta({ description: 'Raw message bytes as base64, with an optional fixed uid.' });
export const wireMessage = z.lazy(() =>
  z.union([nonEmptyString, rawText, base64Message(), pathMessage, composedMessage], {
    error: `expected a message: ${MESSAGE_FORMS}, or { rawBase64, uid }`,
  }),
);

const CODE_MESSAGE = `expected a message: a Buffer, ${MESSAGE_FORMS}`;
const codeMessage = notBuiltIn(
  z.union(
    [
      nonEmptyString,
      bytes,
      z.strictObject({
        raw: z.union([z.string(), bytes], { error: 'expected a string or a Buffer' }),
        uid: uid.optional(),
      }),
      pathMessage,
      composedMessage,
    ],
    { error: CODE_MESSAGE },
  ),
  CODE_MESSAGE,
);

// The list first: a list tried against every single form first cost most of a
// start's check. Not `.readonly()`: that freezes whatever it is tried on, and
// throws on a Buffer; in JSON Schema it would also mark the list response-only.
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([readonlyList(item), item], { error: 'expected a message or a list of messages' });
/** `z.array`, typed as the readonly list the options take. */
const readonlyList = <T extends z.ZodType>(item: T) =>
  z.array(item) as unknown as z.ZodType<readonly z.output<T>[], readonly z.input<T>[]>;

export const jsonMessages = z.lazy(() => oneOrMany(jsonMessage));
export const wireMessages = z.lazy(() => oneOrMany(wireMessage));
export const codeMessages = oneOrMany(codeMessage);

// Users ------------------------------------------------------------------------

const tokenCheck = codeOnly<(token: string) => boolean>((v) => typeof v === 'function', 'a function');

export const jsonUser = z.lazy(() =>
  z.strictObject({
    password,
    messages: jsonMessages.optional(),
    oauthToken: nonEmptyString.optional(),
  }),
);
const codeUser = z.strictObject({
  password,
  messages: codeMessages.optional(),
  oauthToken: z.union([nonEmptyString, tokenCheck]).optional(),
});
/** A user given at run time over the control API: raw bytes may come as base64. */
export const wireUser = z.lazy(() =>
  z.strictObject({
    password,
    messages: wireMessages.optional(),
    oauthToken: nonEmptyString.optional(),
  }),
);

const userOrPassword = <T extends z.ZodType>(user: T) =>
  z.union([password, user], { error: 'expected a password string or { password, messages }' });
/**
 * A key `__proto__` (JSON.parse makes one, so a config file can) would set
 * the parsed object's prototype, and zod's record passes over it without an
 * issue: the user vanished and its fixtures were never read. Refused here,
 * before the record is parsed.
 */
const withoutProtoKey = (users: unknown, ctx: z.core.$RefinementCtx): unknown => {
  if (typeof users === 'object' && users !== null && Object.hasOwn(users, '__proto__')) {
    ctx.addIssue({ code: 'custom', message: PROTO_USER, path: ['__proto__'], input: '__proto__' });
  }
  return users;
};
const usersOf = <T extends z.ZodType>(user: T) => {
  const users = z.record(userName, userOrPassword(user));
  // Typed as the record it parses with: the check before it takes the same input.
  return z.preprocess(withoutProtoKey, users) as unknown as typeof users;
};

/** `addUser()`'s options: a password, or { password, messages, oauthToken }. */
export const codeUserOrPassword = userOrPassword(codeUser);

// Capabilities -----------------------------------------------------------------

const implementation = z
  .string()
  .regex(/^[\x20-\x7e]{1,200}$/, { error: 'expected printable text of 1 to 200 characters' });
const loginDelay = int(0, 86_400 * 365);
const expire = z.union([int(0, 36_500), z.literal('NEVER')], {
  error: 'expected days (an integer from 0 to 36500) or "NEVER"',
});

/** Optional parts of POP3, as code gives them. */
const capabilities = z.lazy(() =>
  z
    .strictObject({
      capa: z.boolean(),
      top: z.boolean(),
      uidl: z.boolean(),
      user: z.boolean(),
      pipelining: z.boolean(),
      respCodes: z.boolean(),
      authRespCode: z.boolean(),
      implementation: implementation.optional(),
      sasl: z.array(z.enum(MECHANISM_NAMES)).readonly(),
      stls: z.boolean(),
      loginDelay: loginDelay.optional(),
      expire: expire.optional(),
      utf8: z.boolean(),
      lang: z.boolean(),
    })
    .partial(),
);

/** The same in JSON, where `null` leaves IMPLEMENTATION, LOGIN-DELAY or EXPIRE out (code says `undefined`). */
const leaveOut = <T extends z.ZodType>(value: T) =>
  z
    .union([value, z.null()])
    .transform((v) => v ?? undefined)
    .optional();
const jsonCapabilities = z.lazy(() =>
  made(capabilities).extend({
    implementation: leaveOut(implementation),
    loginDelay: leaveOut(loginDelay),
    expire: leaveOut(expire),
  }),
);

// The server -------------------------------------------------------------------

/** The control API's bearer token: `control.token`, or `POP3_MOCK_TOKEN` (src/config/env-token.ts). */
export const controlToken = z
  .string()
  .regex(/^[\x21-\x7e]{8,512}$/, { error: 'expected a token of 8 to 512 printable characters' });
export const controlOptions = z.lazy(() =>
  z.strictObject({
    port: port.optional(),
    token: controlToken.optional(),
  }),
);
export const SMTP_AUTH_MODES = ['off', 'optional', 'required'] as const;
const smtpAuth = z.enum(SMTP_AUTH_MODES, { error: 'expected "off", "optional" or "required"' });
/** The largest `maxSize`: what smtp-server and a Buffer can hold comfortably (1 GiB). */
const SMTP_MAX_SIZE = 1024 ** 3;
/** The SMTP intake's settings: the `smtp` option's fields, and the config file's flat `smtp…` keys. */
const smtpFields = () => ({
  port: port.optional(),
  tlsPort: port.optional(),
  auth: smtpAuth.optional(),
  traceHeaders: z.boolean().optional(),
  createUsers: z.boolean().optional(),
  maxSize: int(1, SMTP_MAX_SIZE).optional(),
});
type SmtpFields = ReturnType<typeof smtpFields>;
export const smtpOptions = z.lazy(() => z.strictObject(smtpFields()));
/** {@link smtpFields} as a config file holds them, flat like controlPort: `smtpPort`, `smtpMaxSize`, ... */
const flatSmtpFields = () =>
  Object.fromEntries(
    Object.entries(smtpFields()).map(([key, schema]) => [
      `smtp${key[0]!.toUpperCase()}${key.slice(1)}`,
      schema,
    ]),
  ) as { [K in keyof SmtpFields as `smtp${Capitalize<K>}`]: SmtpFields[K] };

export const TLS_CERTIFICATE_MODES = [
  'valid',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'self-signed',
  'untrusted-ca',
] as const satisfies readonly TlsCertificateMode[];
// Every mode is listed: this fails to compile when one is added to the vocabulary only.
export const certificateModesComplete: TlsCertificateMode extends (typeof TLS_CERTIFICATE_MODES)[number]
  ? true
  : false = true;
/** Oldest first. */
export const TLS_VERSIONS = [
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
] as const satisfies readonly TlsVersion[];

/** The JSON part of the TLS options: a generated certificate and the protocol versions. */
const tlsModeFields = {
  certificate: z.enum(TLS_CERTIFICATE_MODES).optional(),
  minVersion: z.enum(TLS_VERSIONS).optional(),
  maxVersion: z.enum(TLS_VERSIONS).optional(),
};

function checkVersions(tls: { minVersion?: TlsVersion; maxVersion?: TlsVersion }, ctx: z.RefinementCtx) {
  const { minVersion, maxVersion } = tls;
  if (minVersion && maxVersion && TLS_VERSIONS.indexOf(minVersion) > TLS_VERSIONS.indexOf(maxVersion)) {
    ctx.addIssue({
      code: 'custom',
      path: ['minVersion'],
      message: `expected a minVersion no newer than maxVersion ${JSON.stringify(maxVersion)}`,
      input: minVersion,
    });
  }
}

const jsonTlsOptions = z.lazy(() => z.strictObject(tlsModeFields).superRefine(checkVersions));

const tlsOptions = z.lazy(() =>
  z
    .strictObject({
      key: z.union([z.string(), bytes]).optional(),
      cert: z.union([z.string(), bytes]).optional(),
      ca: z.union([z.string(), bytes]).optional(),
      ...tlsModeFields,
    })
    .superRefine((tls, ctx) => {
      const own = tls.key !== undefined || tls.cert !== undefined;
      if (own && (tls.key === undefined || tls.cert === undefined)) {
        const missing = tls.key === undefined ? 'key' : 'cert';
        ctx.addIssue({
          code: 'custom',
          path: [missing],
          message: `expected ${missing} too: your own certificate needs both key and cert`,
          input: undefined,
        });
      }
      if (!own && tls.ca !== undefined) {
        // Exposed only with your own certificate: a generated one is checked against pop3.tls.ca.
        ctx.addIssue({
          code: 'custom',
          path: ['ca'],
          message:
            'expected key and cert with it: ca is exposed as pop3.tls.ca only with your own certificate (a generated one is signed by pop3.tls.ca)',
          input: undefined,
        });
      }
      if (own && tls.certificate !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificate'],
          message: 'expected no certificate mode with your own key and cert (modes choose a generated one)',
          input: tls.certificate,
        });
      }
      checkVersions(tls, ctx);
    }),
);

/**
 * How many ended sessions the recorder keeps: a count from 1, or "all". No
 * 0: a record that vanished at its own end would leave `sessionEnd()` and
 * the CLI's end-of-session line nothing to read.
 */
const KEEP_SESSIONS = 'expected a number of ended sessions to keep (an integer >= 1) or "all"';
const keepSessions = z.union(
  [z.int({ error: KEEP_SESSIONS }).min(1, { error: KEEP_SESSIONS }), z.literal('all')],
  { error: KEEP_SESSIONS },
);

/** Fields a config file and the options share, as JSON. */
const sharedFields = {
  host: nonEmptyString.optional(),
  port: port.optional(),
  portFallback: z.boolean().optional(),
  lock: z.enum(['exclusive', 'none']).optional(),
  maxSessions: int(0).optional(),
  keepSessions: keepSessions.optional(),
  autologoutMs: numberIn(1, 2_147_483_647).optional(),
  faults: z
    .union([faultRules, nonEmptyString], {
      error: 'expected a list of fault rules, or the path of a JSON file of them',
    })
    .optional(),
  seed: int(0, 4_294_967_295).optional(),
  tlsPort: port.optional(),
  requireTls: z.boolean().optional(),
  apop: z.boolean().optional(),
  hostname: z
    .string()
    // No `<` or `>`: the name ends the APOP timestamp `<pid.time@name>`, which a client reads up to its `>`.
    .regex(/^[\x21-\x3b\x3d\x3f-\x7e]{1,255}$/, { error: 'expected a host name: no spaces, "<" or ">"' })
    .optional(),
};

const dialectObject = codeOnly<Dialect>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Dialect).texts === 'object' &&
    typeof (v as Dialect).name === 'string' &&
    // A dialect file's object has its own branch, whose errors name the bad field.
    !('format' in v),
  'a dialect name or a Dialect object',
);
/** A dialect file's content (`loadDialect()`, or JSON parsed by the caller), made a Dialect here. */
const fileDialect = z
  // Only an object with `format` is read as a file: a Dialect object's getters are never touched here.
  .custom<DialectFile>((v) => typeof v === 'object' && v !== null && 'format' in v, {
    error: "expected a dialect file's object",
    params: { wrongKind: true },
  })
  .pipe(dialectFile)
  .transform((file): Dialect => dialectOfCheckedFile(file));
const clock = codeOnly<Clock>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Clock).now === 'function' &&
    typeof (v as Clock).setTimeout === 'function',
  'a Clock: { now(), setTimeout(callback, ms) }',
);
const logger = codeOnly<(line: string) => void>(
  (v) => typeof v === 'function',
  'a function (line: string) => void',
);

const pop3MockShape = {
  ...sharedFields,
  users: usersOf(codeUser).optional(),
  capabilities: capabilities.optional(),
  baseDir: nonEmptyString.optional(),
  dialect: z
    .union([z.enum(DIALECT_NAMES), fileDialect, dialectObject], {
      error: `expected a dialect: ${DIALECT_NAMES.map((n) => JSON.stringify(n)).join(', ')}, a Dialect object or a dialect file's object (loadDialect())`,
    })
    .optional(),
  control: z
    .union([z.boolean(), controlOptions], { error: 'expected true, false or { port, token }' })
    .optional(),
  smtp: z.union([z.boolean(), smtpOptions], { error: 'expected true, false or { port }' }).optional(),
  clock: clock.optional(),
  logger: logger.optional(),
  tls: z.union([z.literal(false), tlsOptions], { error: 'expected false or { key, cert, ca }' }).optional(),
};

type ShapeOutput = z.output<z.ZodObject<typeof pop3MockShape, z.core.$strict>>;
/**
 * The checks across options. They read these keys only: strictObjectOfGivenKeys
 * runs them on a cut with one of the keys it is given (reading another key
 * here does not compile).
 */
function checkOptionPairs(
  options: Pick<ShapeOutput, 'tls' | 'port' | 'tlsPort' | 'control' | 'smtp' | 'capabilities'>,
  ctx: z.RefinementCtx,
): void {
  checkSharedPorts(options, ctx);
  if (options.tls === false && options.tlsPort !== undefined)
    refuse(ctx, ['tlsPort'], 'expected no tlsPort with tls: false (implicit TLS needs a certificate)');
  if (options.tls === false && typeof options.smtp === 'object' && options.smtp.tlsPort !== undefined)
    refuse(ctx, ['smtp', 'tlsPort'], 'expected no smtp.tlsPort with tls: false (SMTPS needs a certificate)');
  if (options.tls === false && options.capabilities?.stls === true)
    refuse(
      ctx,
      ['capabilities', 'stls'],
      'expected false or nothing with tls: false (STLS needs a certificate)',
    );
}

/** An issue of a check across options: it explains itself (no "got"). */
function refuse(ctx: z.RefinementCtx, path: string[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message, input: undefined });
}

/** How a port another listener asks for is refused: the other's option path follows. */
const SHARED_PORT = 'expected a port no other listener asks for: ';

/** The other listener's option path in a refusal of a shared port (`tlsPort`, `control.port`), else undefined. */
export function otherListenerOf(message: string): string | undefined {
  return message.startsWith(SHARED_PORT) ? message.slice(SHARED_PORT.length).split(' ')[0] : undefined;
}

/**
 * Two listeners given one port (not 0): the second would fail to bind, told
 * as "port in use" as if another program held it. Refused naming both.
 */
function checkSharedPorts(
  options: Pick<ShapeOutput, 'port' | 'tlsPort' | 'control' | 'smtp'>,
  ctx: z.RefinementCtx,
): void {
  const { control, smtp } = options;
  const listeners: [string[], number | undefined][] = [
    [['port'], options.port],
    [['tlsPort'], options.tlsPort],
    [['control', 'port'], typeof control === 'object' ? control.port : undefined],
    [['smtp', 'port'], typeof smtp === 'object' ? smtp.port : undefined],
    [['smtp', 'tlsPort'], typeof smtp === 'object' ? smtp.tlsPort : undefined],
  ];
  const first = new Map<number, string>();
  for (const [path, value] of listeners) {
    if (value === undefined || value === 0) continue;
    const other = first.get(value);
    if (other === undefined) first.set(value, path.join('.'));
    else refuse(ctx, path, `${SHARED_PORT}${other} asks for ${value} too`);
  }
}

const optionsOfGivenKeys = strictObjectOfGivenKeys(pop3MockShape, checkOptionPairs, [
  'tls',
  'port',
  'tlsPort',
  'control',
  'smtp',
  'capabilities',
]);
/** `startPop3Mock()`'s options. */
export const pop3MockOptions = optionsOfGivenKeys.whole;
/** {@link pop3MockOptions} cut to the options `input` gives: what a server start checks them with. */
export const pop3MockOptionsFor = (input: unknown) => optionsOfGivenKeys.for(input);

/** A config's `dialect` string that is neither a preset's name nor a file's path. */
const CONFIG_DIALECT_NAMED = `expected one of ${DIALECT_NAMES.map((n) => JSON.stringify(n)).join(', ')}, or a dialect file's path (with / or ending in .json)`;

/** What a config file may hold: the options as JSON, the dialect by name or file, and the other listeners' ports. */
const configFileShape = () => ({
  ...sharedFields,
  users: usersOf(jsonUser).optional(),
  capabilities: jsonCapabilities.optional(),
  // A string is a preset's name (its enum names them) or, as `--dialect` takes, a dialect file's
  // path (read by optionsFromConfig, relative to the config's folder); an object is a file's content.
  dialect: z
    .union(
      [z.enum(DIALECT_NAMES), z.string().refine(isDialectPath, { error: CONFIG_DIALECT_NAMED }), dialectFile],
      {
        error: (issue) =>
          typeof issue.input === 'string'
            ? CONFIG_DIALECT_NAMED
            : `expected a dialect file's object or one of ${DIALECT_NAMES.map((n) => JSON.stringify(n)).join(', ')}`,
      },
    )
    .optional(),
  tls: jsonTlsOptions.optional(),
  controlPort: port.optional(),
  // The SMTP intake's settings, flat like controlPort: any of them turns the intake on.
  ...flatSmtpFields(),
  demo: z
    .boolean()
    .optional()
    .meta({ description: 'The passwords are demo data: the CLI may print them (in its curl example).' }),
});
/**
 * Made on first use, and cut to the keys a file gives as the options are:
 * zod finds an object's optional keys by asking each key's schema, which
 * makes the lazy schemas inside (the dialect file's, the fault rules', the
 * capabilities'), so checking `{ users, controlPort }` with the whole schema
 * made all of them (~14 ms of a CLI start).
 */
let configCuts:
  | ReturnType<typeof strictObjectOfGivenKeys<ReturnType<typeof configFileShape>, never>>
  | undefined;
function configFileCuts() {
  configCuts ??= strictObjectOfGivenKeys(configFileShape(), () => {}, []);
  return configCuts;
}
export const configFile = z.lazy(() => configFileCuts().whole);
/** {@link configFile} cut to the keys `input` gives: what a config file is checked with. */
export const configFileFor = (input: unknown) => configFileCuts().for(input);

export type ConfigFileOptions = z.output<typeof configFile>;
export type CheckedOptions = z.output<typeof pop3MockOptions>;

/*
 * The public option types keep their TSDoc in src/options.ts; these lines
 * fail to compile the day they and the schema stop describing the same input.
 */
export const optionsMatchSchema: Same<Pop3MockOptions, z.input<typeof pop3MockOptions>> = true;
