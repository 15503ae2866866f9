import type { Dialect } from '../dialects/dialect';
import type { InputIssue } from '../schema/input-error';
import type { CheckedOptions } from '../schema/options';
import { stlsOffBecause } from './verbs-off';

/** The `tls` keys a caller may set, in the order an issue names the first one given. */
const TLS_KEYS = ['certificate', 'minVersion', 'maxVersion', 'key', 'cert', 'ca'] as const;

/**
 * TLS settings that nothing would use: `tls` given (a certificate mode, your
 * own key, versions) or `requireTls: true` (or a dialect's), while STLS is off (by
 * `capabilities`, `tls: false` or the dialect) and there is no `tlsPort`.
 * A test of "the client refuses an expired certificate" would then pass for
 * want of any TLS; with `requireTls` every login would fail. Asked once the
 * dialect's capabilities are known: `stls` is what the server will offer.
 * The SMTP intake's STARTTLS presents the same certificate, so it uses `tls`.
 */
export function unservedTlsIssues(options: CheckedOptions, stls: boolean, dialect: Dialect): InputIssue[] {
  if (stls || options.tlsPort !== undefined) return [];
  const why = `nothing serves TLS: STLS is off (${stlsOffBecause(options, dialect)}) and there is no tlsPort`;
  const issues: InputIssue[] = [];
  const tls = options.tls === false ? undefined : options.tls;
  const given = TLS_KEYS.find((key) => tls?.[key] !== undefined);
  if (tls && given && !options.smtp) {
    const value = tls[given];
    const shown = typeof value === 'string' && given !== 'key' && given !== 'cert' && given !== 'ca';
    issues.push({
      path: `tls.${given}`,
      message: `${shown ? JSON.stringify(value) : 'given'} is set, but ${why} or SMTP intake`,
    });
  }
  if (options.requireTls === true) {
    issues.push({ path: 'requireTls', message: `true, but ${why}: every login would be refused` });
  } else if (options.requireTls === undefined && dialect.requireTls === true) {
    issues.push({
      path: 'dialect',
      message: `the ${JSON.stringify(dialect.name)} dialect requires TLS for a login (behaviour.requireTls), but ${why}: every login would be refused; pass requireTls: false to allow logins without TLS`,
    });
  }
  return issues;
}
