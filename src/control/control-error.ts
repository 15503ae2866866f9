/**
 * A control API request that failed for a reason other than the input or a
 * verification; `status` is the HTTP status, or 0 when no answer came (the
 * server is not running, or the URL is not its control API).
 */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly status: number,
    message: string,
    /** The JSON body of the error reply, when there was one. */
    readonly body: Readonly<Record<string, unknown>> = {},
    /** What failed below, when no answer came (status 0). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * Why a request failed: its code (`ECONNREFUSED`, `ECONNRESET`), its
 * cause's, or the message. Read by shape: under jest, errors may come from
 * another realm than the test's `Error`.
 */
export function causeOf(error: unknown): string {
  const { code, cause, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    cause?: { code?: unknown; message?: unknown };
    message?: unknown;
  };
  if (typeof code === 'string') return code;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return typeof message === 'string' ? message : String(error);
}
