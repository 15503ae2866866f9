import * as z from 'zod';
import { checkInput } from '../schema/check';
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
  const query: Record<string, string> = {};
  for (const [key, value] of search) {
    if (key in query) throw new HttpError(400, `query.${key}: expected one value, got several`);
    query[key] = value;
  }
  const raw =
    endpoint.rawMessage && !isJson(contentType) && body !== undefined && body.length > 0 ? body : undefined;
  return {
    params: endpoint.params ? checkInput(endpoint.params, params, { source, at: 'path' }) : undefined,
    query: checkInput(endpoint.query ?? noQuery, query, { source, at: 'query' }),
    body:
      endpoint.body && raw === undefined ? checkInput(endpoint.body, parseJson(body), { source }) : undefined,
    raw,
  };
}

const noQuery = z.strictObject({});

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function parseJson(body: Buffer | undefined): unknown {
  if (body === undefined || body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}
