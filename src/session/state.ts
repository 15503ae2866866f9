/** RFC 1939 §3 session states. */
export type SessionState = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';
