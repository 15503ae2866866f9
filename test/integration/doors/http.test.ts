// The HTTP control API door: a bad body is a 400 with { error, path, issues }
// (the error the exact InputError message), never a 5xx, never applied; a
// refused POST /api/faults stores none of its rules and the next session works.

import { RawClient } from '../../helpers/raw-client';
import {
  BAD_RULES,
  expectLowerCaseRuleFires,
  expectNormalSession,
  GOOD_RULE,
  issuesAt,
  LOWER_CASE_RULE,
  MESSAGE,
  messageOf,
  PASSWORD,
  sharedMock,
  USER,
} from './support';

const side = sharedMock({ control: true });

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${side.pop3.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${side.pop3.controlToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

type Issue = { path: string; message: string };
const refusal = (source: string, issues: readonly Issue[]) => ({
  status: 400,
  json: { error: messageOf(source, issues), path: issues[0]!.path, issues },
});

/** What GET says about users and rules: a refusal must leave both as they were. */
async function stored() {
  return { users: (await call('GET', '/api/users')).json, rules: (await call('GET', '/api/faults')).json };
}

test('POST /api/faults: a lower-case verb is accepted and fires', async () => {
  const { status, json } = await call('POST', '/api/faults', { rule: LOWER_CASE_RULE });
  expect(status).toBe(201);
  expect(json).toEqual([{ id: expect.any(String), explain: expect.stringContaining('RETR') }]);
  await expectLowerCaseRuleFires(side.pop3.port);
});

test.each(BAD_RULES)('POST /api/faults with %s: 400, nothing stored', async (_, rule, relative) => {
  const before = await stored();
  expect(await call('POST', '/api/faults', { rules: [GOOD_RULE, rule] })).toEqual(
    refusal('POST /api/faults', issuesAt('rules', 1, relative)),
  );
  expect(await stored()).toEqual(before);
});

test('{ "type": "reply" } without lines: 400, then GET /api/faults is [] and a session works', async () => {
  const bad = { trigger: { point: 'command', verbs: ['RETR'] }, action: { type: 'reply' } };
  expect(await call('POST', '/api/faults', { rule: bad })).toEqual({
    status: 400,
    json: {
      error: 'POST /api/faults: rule.action.lines: expected an array, got nothing',
      path: 'rule.action.lines',
      issues: [{ path: 'rule.action.lines', message: 'expected an array, got nothing' }],
    },
  });
  expect(await call('GET', '/api/faults')).toEqual({ status: 200, json: [] });
  await expectNormalSession(side.pop3.port);
});

const PATTERN_FORMS =
  'expected a pattern: a string such as "RETR 1" (a verb first), or { "regex": "^RETR", "flags": "i" }';
const COUNT_FORMS = 'expected a count (an integer >= 0) or { "atLeast": n, "atMost": m }';

test.each<[string, string, unknown, Issue[]]>([
  [
    'POST',
    '/api/faults',
    true,
    [{ path: '', message: 'expected { "rules": [ ... ] } or { "rule": { ... } }, got true' }],
  ],
  [
    'POST',
    '/api/faults',
    { rules: [], rule: GOOD_RULE },
    [{ path: '', message: 'unknown key "rule"; did you mean "rules"?' }],
  ],
  [
    'POST',
    '/api/verify',
    { pattern: 'STAT', times: '2' },
    [{ path: 'times', message: `${COUNT_FORMS}, got "2"` }],
  ],
  [
    'POST',
    '/api/verify',
    { pattern: 'STAT', times: { atleast: 1 } },
    [{ path: 'times', message: 'unknown key "atleast"; did you mean "atLeast"?' }],
  ],
  ['POST', '/api/verify', true, [{ path: '', message: 'expected an object, got true' }]],
  ['POST', '/api/verify', {}, [{ path: 'pattern', message: `${PATTERN_FORMS}, got nothing` }]],
  [
    'POST',
    '/api/verify',
    { pattern: { regex: '(' } },
    [
      {
        path: 'pattern.regex',
        message: 'expected a valid RegExp: Invalid regular expression: /(/: Unterminated group',
      },
    ],
  ],
  [
    'PUT',
    '/api/users/bob',
    { pasword: 'x' },
    [
      { path: 'password', message: 'expected a password (a non-empty string), got nothing' },
      { path: '', message: 'unknown key "pasword"; did you mean "password"?' },
    ],
  ],
  [
    'POST',
    `/api/users/${USER}/messages`,
    { message: MESSAGE },
    [
      { path: 'messages', message: 'expected a message or a list of messages, got nothing' },
      { path: '', message: 'unknown key "message"; did you mean "messages"?' },
    ],
  ],
  // A message meant as one form and failing is reported in that form, not as an
  // unknown key of the nodemailer-fields form (which takes any object).
  [
    'PUT',
    '/api/users/bob',
    { password: 'x', messages: [{ rawBase64: '@@' }] },
    [{ path: 'messages[0].rawBase64', message: 'expected base64 text, got "@@"' }],
  ],
  [
    'POST',
    `/api/users/${USER}/messages`,
    { messages: [{ raw: 5 }] },
    [{ path: 'messages[0].raw', message: 'expected a string, got 5' }],
  ],
  [
    'POST',
    '/api/wait/next-session',
    { timeoutMs: 'soon' },
    [{ path: 'timeoutMs', message: 'expected an integer from 0 to 600000, got "soon"' }],
  ],
  [
    'POST',
    '/api/wait/command',
    { pattern: 'STAT', includePast: 'yes' },
    [{ path: 'includePast', message: 'expected true or false, got "yes"' }],
  ],
])('%s %s %j: 400 with the path, nothing applied', async (method, path, body, issues) => {
  const before = await stored();
  const endpoint = path.replace(`/${USER}/`, '/{user}/').replace('/bob', '/{user}');
  const answer = await call(method, path, body);
  expect(answer).toEqual(refusal(`${method} ${endpoint}`, issues));
  expect(answer.json).not.toHaveProperty('verified');
  expect(await stored()).toEqual(before);
  await expectNormalSession(side.pop3.port);
});

test('a path parameter is checked too', async () => {
  expect(await call('GET', '/api/sessions/abc')).toEqual(
    refusal('GET /api/sessions/{id}', [{ path: 'path.id', message: 'expected digits, got "abc"' }]),
  );
});

// A body is a raw message only when it says so: JSON sent as a form (curl -d
// without a Content-Type) was delivered as a message holding the JSON text.
test('POST /api/users/{user}/messages with a type neither JSON nor message/rfc822: 415, nothing delivered', async () => {
  const before = await stored();
  const response = await fetch(`${side.pop3.controlUrl}/api/users/${USER}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${side.pop3.controlToken}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: JSON.stringify({ messages: [MESSAGE] }),
  });
  expect({ status: response.status, json: await response.json() }).toEqual({
    status: 415,
    json: {
      error:
        'Content-Type "application/x-www-form-urlencoded": expected application/json ({ "messages": [ ... ] }) or message/rfc822 (one raw message)',
    },
  });
  expect(await stored()).toEqual(before);
  await expectNormalSession(side.pop3.port);
});

test('POST /api/users/{user}/messages with a message/rfc822 body delivers those bytes', async () => {
  const response = await fetch(`${side.pop3.controlUrl}/api/users/${USER}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${side.pop3.controlToken}`, 'content-type': 'message/rfc822' },
    body: MESSAGE,
  });
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual([expect.objectContaining({ number: 2 })]);
  const client = await RawClient.login(side.pop3.port, USER, PASSWORD);
  expect(await client.command('STAT')).toBe(`+OK 2 ${2 * Buffer.byteLength(MESSAGE)}`);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
});

test('a path the API has, asked with another method: 405 naming the methods it takes (Allow), nothing applied; an unknown path stays 404', async () => {
  const spec = (await (await fetch(`${side.pop3.controlUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  for (const [path, method] of [
    ['/api/faults', 'DELETE'],
    ['/api/reset', 'GET'],
    ['/api/users', 'PATCH'],
  ] as const) {
    const allowed = Object.keys(spec.paths[path]!)
      .map((m) => m.toUpperCase())
      .sort();
    expect(allowed).not.toContain(method);
    const before = await stored();
    const response = await fetch(`${side.pop3.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${side.pop3.controlToken}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(allowed);
    expect(((await response.json()) as { error: string }).error).toContain(`${method} ${path}: expected`);
    expect(await stored()).toEqual(before);
  }
  expect((await call('GET', '/api/nothing-here')).status).toBe(404);
});

test('POST /api/faults with a stored rule id: 400 named by the request, as its schema refusals are, nothing stored', async () => {
  const rule = { ...GOOD_RULE, id: 'kept-once' };
  expect((await call('POST', '/api/faults', { rule })).status).toBe(201);
  const before = await stored();
  const again = await call('POST', '/api/faults', { rules: [rule] });
  expect(again).toMatchObject({ status: 400, json: { path: 'rules[0].id' } });
  // It named use(), a call the curl user never made.
  expect((again.json as { error: string }).error).toMatch(
    /^POST \/api\/faults: rules\[0\]\.id: expected an id no stored rule has/,
  );
  expect(await stored()).toEqual(before);
  expect((await call('DELETE', '/api/faults/kept-once')).status).toBe(200);
});

test.each<[string, string, unknown]>([
  ['an unknown user', `/api/users/ghost/messages`, { kind: 'user', user: 'ghost' }],
  [
    'a message the mailbox has not',
    `/api/users/${USER}/messages/99/raw`,
    { kind: 'message', user: USER, number: 99 },
  ],
  ['an unknown session', '/api/sessions/9999', { kind: 'session', sessionId: 9999 }],
])('GET of %s: 404 naming what is missing', async (_, path, missing) => {
  const { status, json } = await call('GET', path);
  expect(status).toBe(404);
  expect(json).toMatchObject({ error: expect.stringMatching(/^pop3-mock: /), missing });
});

test('a body sent where the endpoint takes none: 400, nothing done (it would have been ignored)', async () => {
  await call('POST', '/api/faults', { rule: { ...GOOD_RULE, id: 'kept-over-reset' } });
  const before = await stored();
  expect(await call('POST', '/api/reset', { users: ['alice'] })).toEqual(
    refusal('POST /api/reset', [{ path: '', message: 'expected no body' }]),
  );
  expect(await stored()).toEqual(before);
  expect((await call('DELETE', '/api/faults/kept-over-reset')).status).toBe(200);
});

test('a bad secrets flag shows its value: it is a flag, not a secret', async () => {
  const { status, json } = await call('GET', '/api/sessions?secrets=yes');
  expect(status).toBe(400);
  expect(json).toMatchObject({
    error: 'GET /api/sessions: query.secrets: expected true or false, got "yes"',
  });
});

test('GET /api/events checks its query as every endpoint does: a bad since or a misspelt key is a 400, no stream', async () => {
  expect(await call('GET', '/api/events?since=yesterday')).toEqual(
    refusal('GET /api/events', [
      {
        path: 'query.since',
        message: 'expected ms since the epoch: digits, with a fraction or not, got "yesterday"',
      },
    ]),
  );
  expect(await call('GET', '/api/events?since=1.2.3')).toEqual(
    refusal('GET /api/events', [
      {
        path: 'query.since',
        message: 'expected ms since the epoch: digits, with a fraction or not, got "1.2.3"',
      },
    ]),
  );
  const misspelt = await call('GET', '/api/events?sinse=1');
  expect(misspelt.status).toBe(400);
  expect(misspelt.json).toMatchObject({
    path: 'query',
    error: expect.stringContaining('unknown key "sinse"'),
  });
});

test('a JSON endpoint given a body of another type (curl -d sends a form): 415, nothing stored; no type at all is JSON', async () => {
  const before = await stored();
  const post = (type: string | undefined) =>
    fetch(`${side.pop3.controlUrl}/api/faults`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${side.pop3.controlToken}`,
        ...(type === undefined ? {} : { 'content-type': type }),
      },
      body: JSON.stringify({ rule: { ...GOOD_RULE, id: 'typed' } }),
    });
  for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
    const response = await post(type);
    expect({ status: response.status, json: await response.json() }).toEqual({
      status: 415,
      json: { error: `Content-Type ${JSON.stringify(type)}: expected application/json` },
    });
  }
  expect(await stored()).toEqual(before);
  // fetch sends text/plain for a string body unless told: a Blob without a type sends none.
  const untyped = await fetch(`${side.pop3.controlUrl}/api/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${side.pop3.controlToken}` },
    body: new Blob([JSON.stringify({ rule: { ...GOOD_RULE, id: 'typed' } })]),
  });
  expect(untyped.status).toBe(201);
  expect((await call('DELETE', '/api/faults/typed')).status).toBe(200);
});

test('a key given twice in one object of a body: 400 naming it, nothing stored (JSON.parse would keep the last in silence)', async () => {
  const before = await stored();
  const close = JSON.stringify(GOOD_RULE);
  const hang = JSON.stringify({ ...GOOD_RULE, action: { type: 'hang' } });
  const trigger = JSON.stringify(GOOD_RULE.trigger);
  for (const [body, path, key] of [
    [`{"rule": ${close}, "rule": ${hang}}`, 'rule', 'rule'],
    [
      `{"rules": [${close}, {"trigger": ${trigger}, "action": {"type": "close", "type": "hang"}}]}`,
      'rules[1].action.type',
      'type',
    ],
  ] as const) {
    const response = await fetch(`${side.pop3.controlUrl}/api/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${side.pop3.controlToken}`, 'content-type': 'application/json' },
      body,
    });
    expect({ status: response.status, json: await response.json() }).toEqual(
      refusal('POST /api/faults', [
        {
          path,
          message: `key ${JSON.stringify(key)} given twice in one object (JSON would keep only the last)`,
        },
      ]),
    );
  }
  expect(await stored()).toEqual(before);
  await expectNormalSession(side.pop3.port);
});
