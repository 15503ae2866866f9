import * as z from 'zod';
import { type Endpoint, type EndpointAnswer, endpoints } from './contract/endpoints';
import { errorBody } from './contract/responses';

/*
 * The control API as an OpenAPI 3.1 document, generated from the endpoint
 * table and its schemas (never written by hand), served at /openapi.json.
 */

type Json = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, what OpenAPI 3.1 uses), for a request (`input`) or an answer (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'throw',
    // `.readonly()` marks arrays readOnly, which OpenAPI reads as "never sent in a request".
    override: ({ jsonSchema }) => void delete (jsonSchema as Json).readOnly,
  }) as Json;
  delete out.$schema;
  return out;
}

function parameters(schema: z.ZodType | undefined, place: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: place,
    required: place === 'path' || (object.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function answer(a: EndpointAnswer): Json {
  if ('text' in a)
    return { description: a.description, content: { [a.text]: { schema: { type: 'string' } } } };
  const schema = a.json === errorBody ? { $ref: '#/components/schemas/Error' } : jsonSchema(a.json, 'output');
  return { description: a.description, content: { 'application/json': { schema } } };
}

function operation(e: Endpoint): Json {
  const responses: Json = {};
  for (const [status, a] of Object.entries(e.answers)) responses[status] = answer(a);
  // Every request is checked, so every operation can refuse one (a query key it does not take, a body where it takes none).
  responses['400'] ??= { $ref: '#/components/responses/Refused' };
  if (!e.public) responses['401'] = { $ref: '#/components/responses/Unauthorized' };
  // A body of another type than the endpoint takes is refused (control/request.ts).
  if (e.body) responses['415'] ??= { $ref: '#/components/responses/UnsupportedType' };
  const body: Json = {};
  if (e.body) body['application/json'] = { schema: jsonSchema(e.body, 'input') };
  if (e.rawMessage) body['message/rfc822'] = { schema: { type: 'string', format: 'binary' } };
  const params = [...parameters(e.params, 'path'), ...parameters(e.query, 'query')];
  return {
    operationId: e.operationId,
    summary: e.summary,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(e.body ? { requestBody: { required: true, content: body } } : {}),
    responses,
    ...(e.public ? { security: [] } : {}),
  };
}

function buildDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const e of Object.values(endpoints) as Endpoint[]) {
    paths[e.path] = { ...paths[e.path], [e.method.toLowerCase()]: operation(e) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pop3-mock control API',
      version: '2',
      description:
        'Drive a running pop3-mock from another process: users and mailboxes, fault rules, transcripts and waits. Loopback only; every request but GET /openapi.json carries the bearer token the server printed. Refused input answers 400 with { error, path, issues }.',
    },
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(errorBody, 'output') },
      responses: {
        Refused: {
          description:
            'The request was refused: a query key the endpoint does not take, or a body where it takes none',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        UnsupportedType: {
          description: 'The body is not of the type the endpoint takes (application/json)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        Unauthorized: {
          description: 'Missing or wrong token',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
    security: [{ token: [] }],
    paths,
  };
}

let built: Json | undefined;

/** The document, built once per process on first use (a server that never serves it pays nothing). */
export function openApiDocument(): Json {
  built ??= buildDocument();
  return built;
}
