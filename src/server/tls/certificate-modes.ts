import type { TlsCertificateMode } from '../../vocabulary';
import {
  type Authority,
  createAuthority,
  type IssuedCertificate,
  issueServerCertificate,
} from './certificate';

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;
/** The names a `valid` certificate is for: what a test connects to. */
export const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'] as const;
/** A name no test connects to (`.invalid` is reserved, RFC 6761 §6.4). */
export const OTHER_HOST = 'other-host.invalid';

/** A year around `now`: what a CA and every certificate not broken in time get. */
export const currentValidity = (now: Date) => ({
  notBefore: new Date(now.getTime() - DAY),
  notAfter: new Date(now.getTime() + YEAR),
});

/**
 * The server certificate of one mode. `exposed` is the CA clients are told
 * to trust; each broken mode differs from `valid` in one way only.
 */
export function certificateFor(mode: TlsCertificateMode, exposed: Authority, now: Date): IssuedCertificate {
  const t = now.getTime();
  switch (mode) {
    case 'valid':
      return issueServerCertificate(LOCAL_NAMES, currentValidity(now), exposed);
    case 'expired':
      return issueServerCertificate(
        LOCAL_NAMES,
        { notBefore: new Date(t - 30 * DAY), notAfter: new Date(t - DAY) },
        exposed,
      );
    case 'not-yet-valid':
      // Years ahead, not tomorrow: a certificate is made once per process, and
      // a long-running server must not start serving a valid one the next day.
      return issueServerCertificate(
        LOCAL_NAMES,
        { notBefore: new Date(t + 10 * YEAR), notAfter: new Date(t + 11 * YEAR) },
        exposed,
      );
    case 'wrong-host':
      return issueServerCertificate([OTHER_HOST], currentValidity(now), exposed);
    case 'self-signed':
      return issueServerCertificate(LOCAL_NAMES, currentValidity(now), 'self');
    case 'untrusted-ca': {
      const other = createAuthority('pop3-mock untrusted CA', currentValidity(now));
      const leaf = issueServerCertificate(LOCAL_NAMES, currentValidity(now), other);
      // The whole chain is sent, as a real server would: the client knows where it ends and refuses that root.
      return { key: leaf.key, cert: leaf.cert + other.pem };
    }
  }
}

/**
 * A fresh exposed CA and the certificate of `mode` (uncached: servers use
 * the per-process cache in `tls-material.ts`; tests and the bench want new ones).
 */
export function generateTlsMaterial(
  mode: TlsCertificateMode = 'valid',
  now = new Date(),
): { key: string; cert: string; ca: string } {
  const exposed = createAuthority('pop3-mock test CA', currentValidity(now));
  return { ...certificateFor(mode, exposed, now), ca: exposed.pem };
}
