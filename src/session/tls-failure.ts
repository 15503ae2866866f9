import { isTlsAlert } from '../tls-causes';
import type { TlsAlertName, TlsFailureCause } from '../vocabulary';

/** The first byte of a TLS handshake record (RFC 8446 §5.1, ContentType handshake). */
export const HANDSHAKE_RECORD = 0x16;

/** What Node reported when a server-side handshake failed; empty strings for a plain close. */
export interface TlsError {
  readonly code: string;
  readonly reason: string;
}

/** OpenSSL's words for an alert where they differ from RFC 8446's. */
const RENAMED: Readonly<Record<string, TlsAlertName>> = {
  user_cancelled: 'user_canceled',
  decryption_failed: 'decryption_failed',
};

/**
 * The cause of a failed handshake from Node's error: an alert the peer sent
 * shows as `ERR_SSL_<version>_ALERT_<NAME>` (`ERR_SSL_TLSV1_UNRECOGNIZED_NAME`
 * without `ALERT_`); any other `ERR_SSL_*` is the server's own refusal; no
 * error, or a socket error (`ECONNRESET`), is a close without an alert.
 */
export function tlsFailureCause(error: TlsError): TlsFailureCause {
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_(?:ALERT_)?([A-Z_]+)$/.exec(error.code)?.[1]?.toLowerCase();
  if (alert !== undefined) {
    const name = RENAMED[alert] ?? alert;
    if (isTlsAlert(name)) return name;
  }
  return error.code.startsWith('ERR_SSL_') ? 'server-error' : 'no-alert';
}

/**
 * The cause of a handshake that ended before it completed, told from who
 * closed and what came: the server's own end (`close()`, autologout, a
 * fault) first; then no byte at all; then bytes that are no TLS record;
 * else what Node reported ({@link tlsFailureCause}).
 */
export function handshakeFailureCause(
  byServer: boolean,
  firstBytes: Buffer | undefined,
  error: TlsError,
): TlsFailureCause {
  if (byServer) return 'server-ended';
  if (firstBytes === undefined || firstBytes.length === 0) return 'no-handshake';
  if (firstBytes[0] !== HANDSHAKE_RECORD) return 'not-tls';
  return tlsFailureCause(error);
}

/** Whether the server's TLS layer gave up on what the client sent (it closed, not the client). */
export function serverAborted(error: TlsError): boolean {
  return tlsFailureCause(error) === 'server-error';
}
