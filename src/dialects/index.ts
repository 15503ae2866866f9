import type { Dialect } from './dialect';
import { dovecotDialect } from './dovecot';
import { gmailDialect } from './gmail';
import { greenmailDialect } from './greenmail';
import { rfcDialect } from './rfc';
import { rfc1939MinimalDialect } from './rfc1939-minimal';

export type { ArgumentReader, Dialect, GreetingInfo, LoginVerb, ReplyTexts } from './dialect';
export { dovecotDialect } from './dovecot';
export { gmailDialect } from './gmail';
export { GREENMAIL_VERSION, greenmailDialect } from './greenmail';
export { rfcDialect } from './rfc';
export { rfc1939MinimalDialect } from './rfc1939-minimal';

/** The names of the built-in presets (the CLI's `--dialect NAME`). */
export type DialectName = 'rfc' | 'dovecot' | 'gmail' | 'greenmail' | 'rfc1939-minimal';

/** Every built-in preset by name; `rfc` is the default. */
export const dialects: Readonly<Record<DialectName, Dialect>> = {
  rfc: rfcDialect,
  dovecot: dovecotDialect,
  gmail: gmailDialect,
  greenmail: greenmailDialect,
  'rfc1939-minimal': rfc1939MinimalDialect,
};

/** Whether `name` is a built-in preset (own keys only: `toString` is not a dialect). */
export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(dialects, name);
}
