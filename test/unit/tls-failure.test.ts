import { tlsFailureCause } from '../../src/session/tls-failure';

// Node's error codes for a failed server-side handshake, as OpenSSL 3 names them.

test.each([
  ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'unknown_ca'],
  ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'certificate_expired'],
  ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'bad_certificate'],
  ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'protocol_version'],
  ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'certificate_required'],
  // OpenSSL writes these without ALERT_, or with its own spelling.
  ['ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'unrecognized_name'],
  ['ERR_SSL_TLSV1_ALERT_USER_CANCELLED', 'user_canceled'],
  // The server's own refusals.
  ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'server-error'],
  ['ERR_SSL_WRONG_VERSION_NUMBER', 'server-error'],
  // No alert: a close or a reset.
  ['', 'no-alert'],
  ['ECONNRESET', 'no-alert'],
])('%s is %s', (code, cause) => {
  expect(tlsFailureCause({ code, reason: '' })).toBe(cause);
});
