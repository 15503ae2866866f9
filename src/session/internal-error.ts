import type { Pop3Event } from '../vocabulary';

/** The transcript event for something thrown inside the mock, whatever was thrown. */
export function internalErrorEvent(
  sessionId: number,
  at: number,
  error: unknown,
): Extract<Pop3Event, { type: 'internal-error' }> {
  if (!(error instanceof Error)) return { type: 'internal-error', sessionId, at, message: String(error) };
  return { type: 'internal-error', sessionId, at, message: error.message, stack: error.stack };
}
