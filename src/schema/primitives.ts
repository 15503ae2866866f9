import * as z from 'zod';

/** An integer within bounds, with one message for every way to miss them. */
export function int(min: number, max?: number) {
  const error = `expected an integer ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}`;
  const base = z.int({ error }).min(min, { error });
  return max === undefined ? base : base.max(max, { error });
}

/** A number within bounds (fractions allowed). */
export function numberIn(min: number, max?: number) {
  const error = `expected a number ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}`;
  const base = z.number({ error }).min(min, { error });
  return max === undefined ? base : base.max(max, { error });
}

/** A TCP port: a number, or a string of its digits read exactly (`'2110'`, never `'21a'`). */
export const port = z.union(
  [
    int(0, 65535),
    z
      .string()
      .regex(/^\d{1,5}$/)
      .transform(Number)
      .pipe(int(0, 65535)),
  ],
  {
    error: 'expected a port: an integer from 0 to 65535, or a string of its digits',
  },
);

export const nonEmptyString = z.string().min(1, { error: 'expected a non-empty string' });

/** Why `__proto__` is no user name: as a key of `users` it would set the object's prototype. */
export const PROTO_USER = 'expected a user name other than "__proto__"';

/**
 * Whether a name is a URL's dot segment: in the control API's paths
 * (`/api/users/{user}`, `/api/faults/{id}`) a URL resolves `.` and `..` away,
 * so a user or rule so named would reach another endpoint (`POST
 * /api/users/../reset` is `POST /api/reset`). Refused at every door, so the
 * in-process and remote APIs take the same names.
 */
const isDotSegment = (name: string) => name === '.' || name === '..';
const DOT_SEGMENT = 'other than "." or ".." (a URL of the control API resolves them away)';

/** A user name: what USER and the SASL identities carry. */
export const userName = z
  .string()
  .regex(/^[^\s]+$/, { error: 'expected a user name: not empty, no spaces' })
  // Refused at every door, so that no door takes a name another loses (see options.ts, usersOf).
  .refine((name) => name !== '__proto__', { error: PROTO_USER })
  .refine((name) => !isDotSegment(name), { error: `expected a user name ${DOT_SEGMENT}` })
  .meta({ description: 'A user name: not empty, no white space, not "__proto__", ".", or "..".' });

/** A fault rule's id: what `use()` stores and `removeRule()` names. */
export const ruleId = z
  .string()
  .regex(/^[\w.:-]{1,100}$/, {
    error: 'expected an id of 1 to 100 letters, digits, "_", ".", ":" or "-"',
  })
  .refine((id) => !isDotSegment(id), { error: `expected an id ${DOT_SEGMENT}` });

/** A password: any non-empty string (the mock compares it exactly). */
export const password = z.string({ error: 'expected a password (a non-empty string)' }).min(1, {
  error: 'expected a password (a non-empty string)',
});

/** A UIDL value: 1 to 70 characters from 0x21 to 0x7E (RFC 1939 §7). */
export const uid = z.string().regex(/^[\x21-\x7e]{1,70}$/, {
  error: 'expected a uid: 1 to 70 characters from 0x21 to 0x7E (RFC 1939 §7)',
});

/** RFC 1939 §3 session states, as the transcript writes them. */
export const sessionState = z.enum(['AUTHORIZATION', 'TRANSACTION', 'UPDATE']);

/** A value only code can hand over (a function, a Buffer): accepted in process, never in JSON. */
export function codeOnly<T>(check: (value: unknown) => boolean, expected: string) {
  // wrongKind: a union that refuses the value reports another branch, or its own text.
  return z.custom<T>(check, { error: `expected ${expected}`, params: { wrongKind: true } });
}

export const bytes = codeOnly<Buffer>((v) => Buffer.isBuffer(v), 'a Buffer');
