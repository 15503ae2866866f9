import { isIP } from 'node:net';
import * as z from 'zod';
import { dialectName } from './dialect-file';
import { int, nonEmptyString, userName } from './primitives';

/*
 * The flags of `pop3-mock capture`, as node:util parseArgs hands them over
 * (every value a string as typed). Checked here, whole, before anything
 * connects; `src/capture/capture-command.ts` names each path by its flag.
 */

/** A DNS name (RFC 1123 labels) or an IPv4/IPv6 address. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Digits as typed, then the number's own check (`--port 0x1f` is refused, not read as 31). */
const digits = (schema: z.ZodType<number, number>, error: string) =>
  z
    .string({ error })
    .regex(/^\d{1,9}$/, { error })
    .transform(Number)
    .pipe(schema);

export const captureFlags = z
  .strictObject({
    host: z
      .string({ error: 'expected a host name or an IP address' })
      .refine((v) => isIP(v) !== 0 || HOST_NAME.test(v), { error: 'expected a host name or an IP address' }),
    port: digits(int(1, 65535), 'expected a port: an integer from 1 to 65535'),
    tls: z.boolean().optional(),
    starttls: z.boolean().optional(),
    ca: nonEmptyString.optional(),
    insecure: z.boolean().optional(),
    user: z.string({ error: 'expected a user name: not empty, no spaces' }).pipe(userName),
    password: z
      .string({ error: 'expected a password (one line, not empty)' })
      .regex(/^[^\r\n]+$/, { error: 'expected a password (one line, not empty)' }),
    out: nonEmptyString.optional(),
    name: dialectName.optional(),
    keepHost: z.boolean().optional(),
    // A PASS answer may take longer: the capture waits at least 20 s for it (probe-session.ts).
    timeoutMs: digits(int(100, 600_000), 'expected an integer from 100 to 600000').optional(),
    help: z.boolean().optional(),
  })
  .superRefine((flags, ctx) => {
    // No input on the issue: the message says it all, and the flags hold the password.
    const refuse = (flag: 'starttls' | 'ca' | 'insecure', message: string) =>
      ctx.addIssue({ code: 'custom', path: [flag], input: undefined, message });
    if (flags.tls && flags.starttls)
      refuse('starttls', 'cannot be given with --tls (implicit TLS already starts in TLS)');
    // Certificate flags without TLS were taken and ignored: the capture then logged in in cleartext.
    const tls = flags.tls === true || flags.starttls === true;
    const noTls =
      'needs --tls or --starttls (without them the capture speaks cleartext and checks no certificate)';
    // An empty --ca is refused by its own schema.
    if (flags.ca && !tls) refuse('ca', noTls);
    if (flags.insecure && !tls) refuse('insecure', noTls);
    else if (flags.insecure && flags.ca)
      refuse(
        'insecure',
        'cannot be given with --ca (--insecure checks no certificate, so the CA would be ignored)',
      );
  });

export type CaptureFlags = z.output<typeof captureFlags>;
