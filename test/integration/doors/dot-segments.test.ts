// A user named ".." or a rule with the id "." would be a URL's dot segment in
// the control API (`/api/users/{user}/reset`, `/api/faults/{id}`), which URL
// libraries resolve away: `mailbox('..').reset()` over HTTP reset the whole
// server, and `removeRule('..')` reached no rule while the rule kept firing.
// So the names are refused at every door, and a raw request whose path has a
// dot segment is a 400, never followed.

import { request } from 'node:http';
import { connectPop3Mock, InputError, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { expectNormalSession, GOOD_RULE, MESSAGE, messageOf, PASSWORD, sharedMock, USER } from './support';

const side = sharedMock({ control: true });

const NOT_A_NAME = (noun: string) =>
  `expected ${noun} other than "." or ".." (a URL of the control API resolves them away)`;

/** A request sent with its path exactly as written (fetch() would resolve the dot segments first). */
function rawRequest(method: string, path: string, body?: string): Promise<{ status: number; json: unknown }> {
  const url = new URL(side.pop3.controlUrl!);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { authorization: `Bearer ${side.pop3.controlToken}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What a reset would wipe: the run-time rules and the delivered messages. */
async function state() {
  return {
    rules: side.pop3.rules().map((r) => r.rule.id),
    messages: side.pop3.mailbox(USER).messages().length,
  };
}

test('"." and ".." as user names and rule ids: refused in process, remotely and in options, with the same message', async () => {
  const remote = await connectPop3Mock({ url: side.pop3.controlUrl!, token: side.pop3.controlToken! });
  const rule = { ...GOOD_RULE, id: '..' };
  const calls: [string, () => Promise<unknown>, string][] = [
    [
      'addUser',
      () => side.pop3.addUser('..', PASSWORD),
      `addUser(): user: ${NOT_A_NAME('a user name')}, got ".."`,
    ],
    [
      'remote addUser',
      () => remote.addUser('.', PASSWORD),
      `addUser(): user: ${NOT_A_NAME('a user name')}, got "."`,
    ],
    [
      'remote mailbox().reset()',
      async () => remote.mailbox('..').reset(),
      `mailbox(): user: ${NOT_A_NAME('a user name')}, got ".."`,
    ],
    [
      'remote removeUser',
      () => remote.removeUser('..'),
      `removeUser(): user: ${NOT_A_NAME('a user name')}, got ".."`,
    ],
    ['use', () => side.pop3.use(rule), `use(): rules[0].id: ${NOT_A_NAME('an id')}, got ".."`],
    ['remote use', () => remote.use(rule), `use(): rules[0].id: ${NOT_A_NAME('an id')}, got ".."`],
    ['remote removeRule', () => remote.removeRule('.'), `removeRule(): id: ${NOT_A_NAME('an id')}, got "."`],
    [
      'startPop3Mock',
      () => startPop3Mock({ users: { '..': PASSWORD } }).then((pop3) => pop3.close()),
      `pop3-mock options: users[".."]: ${NOT_A_NAME('a user name')}, got ".."`,
    ],
  ];
  await side.pop3.use({ ...GOOD_RULE, id: 'kept' });
  await side.pop3.deliver(USER, [MESSAGE]);
  const before = await state();
  for (const [, call, message] of calls) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(message);
  }
  expect(await state()).toEqual(before);
  expect(side.pop3.users()).toEqual([USER]);
});

test.each([
  ['POST', '/api/users/../reset', '..'],
  ['POST', '/api/users/%2e%2E/reset', '%2e%2E'],
  ['POST', '/api/users/.%2e/reset', '.%2e'],
  ['DELETE', '/api/faults/.', '.'],
  // A backslash is a slash in an http: URL: `..\reset` is two segments.
  ['POST', '/api/users/..\\reset', '..'],
  ['POST', '/api/users/x\\..\\..\\reset', '..'],
  ['GET', '/api/./sessions', '.'],
])('%s %s: 400 naming the dot segment, nothing reached', async (method, path, segment) => {
  await side.pop3.use({ ...GOOD_RULE, id: 'kept' });
  await side.pop3.deliver(USER, [MESSAGE]);
  const before = await state();
  const issues = [
    {
      path: 'path',
      message: `expected no "." or ".." segment, got ${JSON.stringify(segment)}: a URL resolves them away, so the request would reach another endpoint`,
    },
  ];
  expect(await rawRequest(method, path)).toEqual({
    status: 400,
    json: { error: messageOf(`${method} ${path}`, issues), path: 'path', issues },
  });
  expect(await state()).toEqual(before);
  // The rule still fires: RETR 1 is closed on.
  const client = await RawClient.login(side.pop3.port, USER, PASSWORD);
  client.write('RETR 1\r\n');
  await client.closed();
});

test.each<[string, string, string | undefined, string, { path: string; message: string }]>([
  [
    'a body that is not JSON',
    '/api/faults',
    '{"rule": ',
    'POST /api/faults',
    { path: '', message: expect.stringMatching(/^expected a JSON body: /) as unknown as string },
  ],
  [
    'a query key given twice',
    '/api/sessions?user=a&user=b',
    undefined,
    'GET /api/sessions',
    { path: 'query.user', message: 'expected one value, got several' },
  ],
  [
    'a path that is not percent-encoding',
    '/api/users/%zz/messages',
    undefined,
    'GET /api/users/%zz/messages',
    { path: 'path', message: 'expected valid percent-encoding, got "%zz"' },
  ],
])(
  '%s: 400 with { error, path, issues }, as every refusal of the API',
  async (_, path, body, source, issue) => {
    const method = body === undefined ? 'GET' : 'POST';
    const { status, json } = await rawRequest(method, path, body);
    expect(status).toBe(400);
    expect(json).toEqual({ error: expect.stringMatching(`^${source}: `), path: issue.path, issues: [issue] });
    await expectNormalSession(side.pop3.port);
  },
);
