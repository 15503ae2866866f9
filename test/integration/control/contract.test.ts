import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { type Pop3Mock, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';

/*
 * The OpenAPI document is generated from the endpoint table; this file checks
 * it from the outside: it is valid OpenAPI 3.1, and every answer the server
 * really gives, for every endpoint, has a documented status and matches the
 * documented schema.
 */

// The document is walked as plain JSON: deep keys the test reads by name.
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document has no useful static type here.
type Json = Record<string, any>;

let pop3: Pop3Mock;
let doc: Json;
const seen = new Map<string, Set<number>>();
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', true);
ajv.addFormat('binary', true);

beforeAll(async () => {
  pop3 = await startPop3Mock({
    users: {
      alice: {
        password: 'secret',
        messages: ['Subject: one\r\n\r\nbody\r\n', 'Subject: two\r\n\r\nbody\r\n'],
      },
    },
    control: true,
    // Small, so that a few sessions show the dropped-sessions answers.
    keepSessions: 2,
  });
  doc = (await (await fetch(`${pop3.controlUrl}/openapi.json`)).json()) as Json;
});
afterAll(() => pop3.close());

/** The operation the document gives for a method and a concrete path. */
function operationFor(method: string, path: string): Json {
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (pattern.test(path) && item[method.toLowerCase()]) return item[method.toLowerCase()];
  }
  throw new Error(`${method} ${path} is not in the document`);
}

/** Calls the API and checks the answer against the document; returns status and body. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  auth = true,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${pop3.controlUrl}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${pop3.controlToken}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const operation = operationFor(method, path.split('?')[0]!);
  const documented = operation.responses[String(res.status)];
  expect({
    operation: operation.operationId,
    status: res.status,
    documented: documented !== undefined,
  }).toEqual({
    operation: operation.operationId,
    status: res.status,
    documented: true,
  });
  const answer = documented.$ref ? doc.components.responses.Unauthorized : documented;
  const [type, media] = Object.entries(answer.content as Record<string, Json>)[0]!;
  expect(res.headers.get('content-type')?.split(';')[0]).toBe(type);
  const text = await res.text();
  let parsed: unknown = text;
  if (type === 'application/json') {
    parsed = JSON.parse(text);
    const schema = media.schema.$ref ? doc.components.schemas.Error : media.schema;
    const check = ajv.compile(schema);
    if (!check(parsed))
      throw new Error(`${operation.operationId} ${res.status}: ${ajv.errorsText(check.errors)}`);
  }
  const statuses = seen.get(operation.operationId) ?? new Set<number>();
  statuses.add(res.status);
  seen.set(operation.operationId, statuses);
  return { status: res.status, body: parsed };
}

test('the document is valid OpenAPI 3.1 and names an operationId for every operation', async () => {
  const child = spawnSync(process.execPath, [join(__dirname, '../../helpers/validate-openapi.mjs')], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  const result = JSON.parse(child.stdout) as { valid: boolean; errors: unknown[] };
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  expect(doc.openapi).toBe('3.1.0');
  const operations = Object.values(doc.paths as Record<string, Json>).flatMap((item) => Object.values(item));
  expect(operations.length).toBeGreaterThan(20);
  for (const operation of operations) expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
  // Every request is checked (an unknown query key, a body where none is taken), so every operation documents a 400.
  const without400 = operations.filter((o) => !('400' in (o.responses as Json))).map((o) => o.operationId);
  expect(without400).toEqual([]);
});

test('every endpoint answers as documented, on success and on refusal', async () => {
  // Users and mailboxes.
  expect((await call('GET', '/api/status')).status).toBe(200);
  expect((await call('GET', '/api/users')).status).toBe(200);
  expect(
    (await call('PUT', '/api/users/bob', { password: 'pw', messages: ['Subject: b\r\n\r\nb\r\n'] })).status,
  ).toBe(201);
  expect((await call('PUT', '/api/users/bob', { pasword: 'pw' })).status).toBe(400);
  expect((await call('GET', '/api/users/bob/messages')).status).toBe(200);
  expect((await call('GET', '/api/users/nobody/messages')).status).toBe(404);
  expect(
    (await call('POST', '/api/users/bob/messages', { messages: [{ rawBase64: 'U3ViamVjdDogYwoKYwo=' }] }))
      .status,
  ).toBe(201);
  expect((await call('POST', '/api/users/bob/messages', { messages: 7 })).status).toBe(400);
  expect((await call('GET', '/api/users/bob/messages/1/raw')).status).toBe(200);
  expect((await call('GET', '/api/users/bob/messages/9/raw')).status).toBe(404);
  expect((await call('GET', '/api/users/bob/messages/x/raw')).status).toBe(400);
  expect((await call('POST', '/api/users/bob/reset')).status).toBe(200);

  // Faults.
  const added = await call('POST', '/api/faults', {
    rules: [
      { trigger: { point: 'command', verbs: ['noop'] }, action: { type: 'reply', lines: ['-ERR no'] } },
    ],
  });
  expect(added.status).toBe(201);
  expect(
    (
      await call('POST', '/api/faults', {
        rules: [{ trigger: { point: 'command', verbs: ['RETR'] }, action: { type: 'explode' } }],
      })
    ).status,
  ).toBe(400);
  expect((await call('GET', '/api/faults')).status).toBe(200);
  expect((await call('GET', '/api/faults/pending')).status).toBe(200);

  // A real session, so transcripts, waits and outcomes have something to say.
  const waiting = call('POST', '/api/wait/next-session', { timeoutMs: 5000 });
  const waitingCommand = call('POST', '/api/wait/command', { pattern: 'RETR 1', timeoutMs: 5000 });
  const client = await RawClient.connect(pop3.port);
  expect((await waiting).status).toBe(200);
  await client.command('USER alice');
  await client.command('PASS secret');
  await client.command('NOOP');
  // Alice is logged in: replacing her is a documented 409 naming her and the session.
  const replace = await call('PUT', '/api/users/alice', { password: 'secret' });
  expect(replace).toMatchObject({ status: 409, body: { user: 'alice', sessionId: 1 } });
  await client.multi('RETR 1');
  expect((await waitingCommand).body as Json).toMatchObject({ verb: 'RETR', args: ['1'], sessionId: 1 });
  await client.command('DELE 1');
  await client.command('QUIT');
  expect((await call('POST', '/api/wait/session-end', { sessionId: 1 })).status).toBe(200);
  expect((await call('POST', '/api/wait/session-end', { sessionId: 99 })).status).toBe(404);
  expect((await call('POST', '/api/wait/next-session', { timeoutMs: 1 })).status).toBe(408);
  expect((await call('POST', '/api/wait/next-session', { timeoutMs: 'soon' })).status).toBe(400);

  expect((await call('GET', '/api/sessions')).status).toBe(200);
  expect((await call('GET', '/api/sessions?user=alice')).status).toBe(200);
  expect((await call('GET', '/api/sessions?user=a%20b')).status).toBe(400);
  expect((await call('GET', '/api/sessions/1')).status).toBe(200);
  expect((await call('GET', '/api/sessions/2')).status).toBe(404);
  expect((await call('GET', '/api/sessions/1/transcript')).status).toBe(200);
  expect((await call('GET', '/api/sessions/2/transcript')).status).toBe(404);
  expect((await call('GET', '/api/transcript?stable=true')).status).toBe(200);
  expect((await call('GET', '/api/transcript?stable=yes')).status).toBe(400);
  expect((await call('GET', '/api/commands')).status).toBe(200);
  expect((await call('POST', '/api/verify', { pattern: 'RETR 1', times: 1 })).body).toEqual({
    verified: true,
    count: 1,
  });
  expect((await call('POST', '/api/verify', { pattern: 'RETR 2' })).status).toBe(422);
  expect((await call('POST', '/api/verify', { pattern: 'RETR 1', times: '1' })).status).toBe(400);
  expect((await call('GET', '/api/users/alice/outcome')).status).toBe(200);
  expect((await call('GET', '/api/users/alice/deleted')).status).toBe(200);

  // Two more sessions: keepSessions 2 drops session 1, and the session answers say so.
  expect((await call('GET', '/api/dropped-sessions')).body).toEqual({ dropped: null });
  expect((await call('GET', '/api/status')).body).toMatchObject({ keepSessions: 2 });
  for (let i = 0; i < 2; i++) {
    const more = await RawClient.connect(pop3.port);
    await more.command('QUIT');
    await more.closed();
  }
  const marker = { sessions: 1, lastId: 1, keep: 2 };
  const why = '(keepSessions: 2 keeps the newest ended sessions)';
  expect((await call('GET', '/api/dropped-sessions')).body).toEqual({ dropped: marker });
  expect((await call('GET', '/api/dropped-sessions?user=alice')).body).toEqual({ dropped: marker });
  expect((await call('GET', '/api/dropped-sessions?sessionId=2')).body).toEqual({ dropped: null });
  expect((await call('GET', '/api/dropped-sessions?user=a%20b')).status).toBe(400);
  const listed = (await call('GET', '/api/sessions')).body as Json;
  expect({ dropped: listed.dropped, ids: listed.sessions.map((s: Json) => s.id) }).toEqual({
    dropped: marker,
    ids: [2, 3],
  });
  expect(await call('GET', '/api/sessions/1')).toEqual({
    status: 404,
    body: {
      error: `pop3-mock: no session 1: it ended and its record was dropped ${why}`,
      missing: { kind: 'session', sessionId: 1 },
    },
  });
  expect((await call('GET', '/api/sessions/1/transcript')).status).toBe(404);
  expect(((await call('GET', '/api/transcript')).body as string).split('\n')[0]).toBe(
    `-- 1 ended session was dropped, the newest of them session 1 ${why}`,
  );
  // The outcome keeps what UPDATE removed; the number it had in the dropped session is gone.
  expect(((await call('GET', '/api/users/alice/outcome')).body as Json).deleted).toEqual([
    expect.objectContaining({ sessionId: 1, number: null }),
  ]);

  const id = (added.body as { id: string }[])[0]!.id;
  expect((await call('DELETE', `/api/faults/${id}`)).status).toBe(200);
  expect((await call('DELETE', `/api/faults/${id}`)).status).toBe(404);
  expect((await call('DELETE', '/api/users/bob')).status).toBe(200);
  expect((await call('DELETE', '/api/users/bob')).status).toBe(404);
  expect((await call('GET', '/api/status', undefined, false)).status).toBe(401);
  expect((await call('POST', '/api/reset')).status).toBe(200);
  expect((await call('GET', '/openapi.json', undefined, false)).status).toBe(200);

  // Every documented operation was called and answered (the event stream is tested on its own).
  const operations = Object.values(doc.paths as Record<string, Json>)
    .flatMap((item) => Object.values(item))
    .map((o) => o.operationId as string)
    .filter((o) => o !== 'streamEvents');
  expect(operations.filter((o) => !seen.has(o))).toEqual([]);
});
