import type { TlsCertificateMode, TlsRefusalCause } from '../../../src';
import { type CurlResult, runCurl } from '../../helpers/clients/curl';

/** curl fetching the listing over POP3S, verifying the server against `cafile` only. */
export function curlPop3s(port: number, cafile: string, user: string, password: string): Promise<CurlResult> {
  return runCurl([`pop3s://127.0.0.1:${port}/`, '--cacert', cafile, '-u', `${user}:${password}`]);
}

/**
 * The alert OpenSSL clients (curl, Python's ssl) send for each broken
 * certificate, measured with OpenSSL 3.0: they verify inside the handshake.
 */
export const OPENSSL_ALERT: Readonly<Record<Exclude<TlsCertificateMode, 'valid'>, TlsRefusalCause>> = {
  expired: 'certificate_expired',
  'not-yet-valid': 'bad_certificate',
  'wrong-host': 'bad_certificate',
  'self-signed': 'unknown_ca',
  'untrusted-ca': 'unknown_ca',
};

export const BROKEN_MODES = Object.keys(OPENSSL_ALERT) as (keyof typeof OPENSSL_ALERT)[];
