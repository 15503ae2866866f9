/** The `code` of a Node error (`ENOENT`, `EADDRINUSE`, `ERR_PARSE_ARGS_...`), if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** The address and port a Node error names (a failed listen or connect puts them on it), if it has them. */
export function errorPlace(error: unknown): { port: number | undefined; address: string | undefined } {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    port?: unknown;
    address?: unknown;
  };
  return {
    port: typeof fields.port === 'number' ? fields.port : undefined,
    address: typeof fields.address === 'string' ? fields.address : undefined,
  };
}
