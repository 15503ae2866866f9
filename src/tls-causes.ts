import type { TlsAlertName, TlsFailureCause, TlsNonRefusalCause, TlsRefusalCause } from './vocabulary';

/*
 * The causes of a failed TLS handshake as values: which are alerts, which
 * are a client's refusal. Records, so that a name added to the vocabulary
 * fails to compile until it is placed here.
 */

const ALERTS: Readonly<Record<TlsAlertName, true>> = {
  close_notify: true,
  unexpected_message: true,
  bad_record_mac: true,
  decryption_failed: true,
  record_overflow: true,
  handshake_failure: true,
  bad_certificate: true,
  unsupported_certificate: true,
  certificate_revoked: true,
  certificate_expired: true,
  certificate_unknown: true,
  illegal_parameter: true,
  unknown_ca: true,
  access_denied: true,
  decode_error: true,
  decrypt_error: true,
  protocol_version: true,
  insufficient_security: true,
  internal_error: true,
  inappropriate_fallback: true,
  user_canceled: true,
  no_renegotiation: true,
  missing_extension: true,
  unsupported_extension: true,
  unrecognized_name: true,
  bad_certificate_status_response: true,
  unknown_psk_identity: true,
  certificate_required: true,
  no_application_protocol: true,
};

/** Failures where no client refused anything. */
const NOT_A_REFUSAL: Readonly<Record<TlsNonRefusalCause, true>> = {
  'server-error': true,
  'no-handshake': true,
  'not-tls': true,
  'server-ended': true,
};

/** Every {@link TlsRefusalCause}: the alerts, then `no-alert`. */
export const TLS_REFUSAL_CAUSES: readonly TlsRefusalCause[] = [
  ...(Object.keys(ALERTS) as TlsAlertName[]),
  'no-alert',
];

/** Every {@link TlsFailureCause}: the refusals, then the failures that are none. */
export const TLS_FAILURE_CAUSES: readonly TlsFailureCause[] = [
  ...TLS_REFUSAL_CAUSES,
  ...(Object.keys(NOT_A_REFUSAL) as TlsNonRefusalCause[]),
];

/** Whether `name` is a TLS alert as RFC 8446 names it. */
export function isTlsAlert(name: string): name is TlsAlertName {
  return Object.hasOwn(ALERTS, name);
}

/** Whether a handshake failure with this cause is a client's refusal (an alert, or a close mid-handshake). */
export function isClientRefusal(cause: TlsFailureCause): cause is TlsRefusalCause {
  return !Object.hasOwn(NOT_A_REFUSAL, cause);
}
