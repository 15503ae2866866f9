import * as z from 'zod';
import { parseJsonText } from '../json-file';
import { checkInput } from '../schema/check';
import { InputError } from '../schema/input-error';
import type { Endpoint } from './contract/endpoints';
import { HttpError } from './http-util';

/** A request's parts after the endpoint's schemas: what a handler gets. */
export interface CheckedRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly raw: Buffer | undefined;
}

/**
 * The door of the control API: path parameters, query and body checked
 * against the endpoint's schemas (an `InputError` becomes a 400 naming the
 * path), before the handler runs, so nothing is half-applied.
 */
export function checkedRequest(
  endpoint: Endpoint,
  params: Record<string, string>,
  search: URLSearchParams,
  contentType: string | undefined,
  body: Buffer | undefined,
): CheckedRequest {
  const source = `${endpoint.method} ${endpoint.path}`;
  const raw = endpoint.rawMessage ? rawMessage(contentType, body) : undefined;
  if (endpoint.body && !endpoint.rawMessage && body !== undefined && body.length > 0) jsonOnly(contentType);
  return {
    params: endpoint.params ? checkInput(endpoint.params, params, { source, at: 'path' }) : undefined,
    query: checkQuery(endpoint.query ?? noQuery, search, source),
    body:
      endpoint.body && raw === undefined
        ? checkInput(endpoint.body, parseJson(body, source), { source })
        : undefined,
    raw,
  };
}

const noQuery = z.strictObject({});

/** A query string checked against `schema`, each key given once (a repeated one is refused, not the last taken). */
export function checkQuery<S extends z.ZodType>(
  schema: S,
  search: URLSearchParams,
  source: string,
): z.output<S> {
  const query: Record<string, string> = {};
  for (const [key, value] of search) {
    if (key in query)
      throw new InputError([{ path: `query.${key}`, message: 'expected one value, got several' }], source);
    query[key] = value;
  }
  return checkInput(schema, query, { source, at: 'query' });
}

/**
 * The body as one raw message when it says it is one (message/rfc822);
 * undefined for JSON (the default). Any other type is refused, not guessed
 * at: a JSON body sent as a form (curl -d) would be delivered as a message.
 */
function rawMessage(contentType: string | undefined, body: Buffer | undefined): Buffer | undefined {
  const type = typeOf(contentType);
  if (type === 'application/json') return undefined;
  if (type === 'message/rfc822') return body;
  throw new HttpError(
    415,
    `Content-Type ${JSON.stringify(type)}: expected application/json ({ "messages": [ ... ] }) or message/rfc822 (one raw message)`,
  );
}

/**
 * A body that says it is JSON (or says nothing). Another type is refused,
 * as the messages endpoint refuses it: the body was meant as something else
 * (a form, text), and taking it anyway would be a door checked one way here
 * and another there.
 */
function jsonOnly(contentType: string | undefined): void {
  const type = typeOf(contentType);
  if (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new HttpError(415, `Content-Type ${JSON.stringify(type)}: expected application/json`);
}

/** The media type of a Content-Type header (no parameters, lower case); JSON when there is none. */
function typeOf(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

function parseJson(body: Buffer | undefined, source: string): unknown {
  if (body === undefined || body.length === 0) return {};
  return parseJsonText(
    body.toString('utf8'),
    source,
    (message) => new InputError([{ path: '', message: `expected a JSON body: ${message}` }], source),
  );
}
