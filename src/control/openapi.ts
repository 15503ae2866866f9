/**
 * The control API as an OpenAPI 3.1 document, served at `/openapi.json`.
 * Every endpoint needs `Authorization: Bearer <token>`.
 */
const json = { 'application/json': { schema: { type: 'object' } } };
const ok = (description: string) => ({ description, content: json });
const errors = {
  '400': { description: 'Malformed request; the body says why' },
  '401': { description: 'Missing or wrong token' },
  '404': { description: 'No such user, message, rule or session' },
};
const userParam = { name: 'user', in: 'path', required: true, schema: { type: 'string' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'pop3-mock control API',
    version: '1',
    description:
      'Drive a running pop3-mock from another process: users and mailboxes, fault rules, transcripts and waits. Loopback only; every request carries the bearer token the server printed.',
  },
  components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
  security: [{ token: [] }],
  paths: {
    '/api/status': {
      get: { summary: 'Ports and user names', responses: { '200': ok('Status'), ...errors } },
    },
    '/api/users': { get: { summary: 'Users with their message counts', responses: { '200': ok('Users') } } },
    '/api/users/{user}': {
      put: {
        summary: 'Create or replace a user',
        parameters: [userParam],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['password'],
                properties: {
                  password: { type: 'string' },
                  oauthToken: { type: 'string' },
                  messages: {
                    type: 'array',
                    description:
                      'Raw messages (strings with a line break), { raw, uid }, { rawBase64, uid }, { path }, or nodemailer message fields',
                  },
                },
              },
            },
          },
        },
        responses: { '201': ok('The user and its messages'), ...errors },
      },
      delete: {
        summary: 'Remove a user',
        parameters: [userParam],
        responses: { '200': ok('Removed'), ...errors },
      },
    },
    '/api/users/{user}/reset': {
      post: {
        summary: 'Mailbox back to its seeded messages',
        parameters: [userParam],
        responses: { '200': ok('Reset') },
      },
    },
    '/api/users/{user}/messages': {
      get: {
        summary: 'Messages: number, uid, size',
        parameters: [userParam],
        responses: { '200': ok('Messages') },
      },
      post: {
        summary: 'Deliver messages: JSON { messages: [...] } or a raw message body (message/rfc822)',
        parameters: [userParam],
        responses: { '201': ok('What was added'), ...errors },
      },
    },
    '/api/users/{user}/messages/{number}/raw': {
      get: {
        summary: 'A message as RETR sends it (before dot-stuffing)',
        parameters: [userParam, { name: 'number', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'message/rfc822' }, ...errors },
      },
    },
    '/api/users/{user}/outcome': {
      get: {
        summary: 'What is left, deleted and retrieved',
        parameters: [userParam],
        responses: { '200': ok('Outcome') },
      },
    },
    '/api/faults': {
      get: { summary: 'Fault rules with explain() text and hit counts', responses: { '200': ok('Rules') } },
      post: {
        summary: 'Add fault rules: { rules: [FaultRule, ...] } (the data the builder produces)',
        responses: { '201': ok('Ids and explanations'), ...errors },
      },
    },
    '/api/faults/pending': { get: { summary: 'Rules that never fired', responses: { '200': ok('Rules') } } },
    '/api/faults/{id}': {
      delete: {
        summary: 'Remove a fault rule',
        parameters: [idParam],
        responses: { '200': ok('Removed'), ...errors },
      },
    },
    '/api/reset': {
      post: {
        summary: 'Mailboxes as seeded, run-time faults removed, transcripts cleared',
        responses: { '200': ok('Reset') },
      },
    },
    '/api/sessions': {
      get: { summary: 'Every session as JSON (secrets masked)', responses: { '200': ok('Export') } },
    },
    '/api/sessions/{id}': {
      get: { summary: 'One session as JSON', parameters: [idParam], responses: { '200': ok('Session') } },
    },
    '/api/sessions/{id}/transcript': {
      get: {
        summary: 'One session as C:/S: text',
        parameters: [idParam],
        responses: { '200': { description: 'text/plain' } },
      },
    },
    '/api/transcript': {
      get: {
        summary: 'All sessions as C:/S: text (?user=, ?stable=true)',
        responses: { '200': { description: 'text/plain' } },
      },
    },
    '/api/commands': {
      get: { summary: "Commands received, as 'RETR 1' (?user=)", responses: { '200': ok('Commands') } },
    },
    '/api/verify': {
      post: {
        summary:
          'Verify a command was received: { pattern, times?, user?, sessionId? }; 422 with a near-miss report if not',
        responses: {
          '200': ok('Verified'),
          '422': { description: 'Not received; the body lists the nearest commands' },
        },
      },
    },
    '/api/wait/next-session': {
      post: {
        summary: 'Wait for the next session: { timeoutMs? }',
        responses: { '200': ok('Session id'), '408': { description: 'Timed out' } },
      },
    },
    '/api/wait/session-end': {
      post: {
        summary: 'Wait for a session to end: { sessionId?, timeoutMs? }',
        responses: { '200': ok('Session'), '408': { description: 'Timed out' } },
      },
    },
    '/api/wait/command': {
      post: {
        summary: 'Wait for a command: { pattern, timeoutMs?, includePast? }',
        responses: { '200': ok('Command'), '408': { description: 'Timed out' } },
      },
    },
    '/api/events': {
      get: {
        summary: 'Server-sent events: every session event as it happens (secrets masked)',
        responses: { '200': { description: 'text/event-stream' } },
      },
    },
  },
} as const;
