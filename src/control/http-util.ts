import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request the control API refuses, with its HTTP status and a message for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A remove of a rule that is not there (gone already, or never was): the control API's and the browser view's one answer. */
export function noSuchRule(id: string): HttpError {
  return new HttpError(404, `no fault rule ${id}`);
}

/** Largest request body accepted (a delivered message included). */
export const MAX_BODY = 64 * 1024 * 1024;

/**
 * Octets a reader of an event stream (`/api/events`, the browser view's
 * `/ui/events`) may leave unread before the server ends the stream: a reader
 * that stopped reading must not make the server hold every event since.
 */
export const MAX_UNREAD_OCTETS = 8 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string | Buffer,
  type = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}
