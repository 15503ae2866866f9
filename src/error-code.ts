/** The `code` of a Node error (`ENOENT`, `EADDRINUSE`, `ERR_PARSE_ARGS_...`), if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
