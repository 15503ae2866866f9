// A fixture that cannot be read is refused at every door naming where it was
// given (the options path, the flag), not only the file: a mailbox of ten
// fixtures, or two users with the same file, would otherwise leave the reader
// to guess which one. The remote client throws the FixtureError the
// in-process call throws, with the same path and message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPop3Mock, FixtureError, startPop3Mock } from '../../../src';
import { expectNormalSession, MESSAGE, PASSWORD, runMain, sharedMock, USER } from './support';

const side = sharedMock({ control: true });
let dir: string;
let missing: string;
let notMbox: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-doors-fixtures-'));
  missing = join(dir, 'missing.eml');
  notMbox = join(dir, 'broken.mbox');
  writeFileSync(notMbox, 'no separator line\r\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOT_FOUND = (file: string) => `fixture not found: ${file}`;

/** The error `promise` rejects with, which must be a FixtureError. */
async function fixtureErrorOf(promise: Promise<unknown>): Promise<FixtureError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FixtureError);
  return error as FixtureError;
}

test('options: the failing fixture is named by its path in users, in a list and alone', async () => {
  const inList = await fixtureErrorOf(
    startPop3Mock({
      users: {
        [USER]: { password: PASSWORD, messages: [MESSAGE] },
        'bob.smith': { password: PASSWORD, messages: [MESSAGE, { path: missing }] },
      },
    }),
  );
  expect(inList.path).toBe('users["bob.smith"].messages[1]');
  expect(inList.message).toBe(`users["bob.smith"].messages[1]: ${NOT_FOUND(missing)}`);
  expect(inList.problem).toBe(NOT_FOUND(missing));

  const alone = await fixtureErrorOf(
    startPop3Mock({ users: { [USER]: { password: PASSWORD, messages: notMbox } } }),
  );
  expect(alone.path).toBe(`users.${USER}.messages`);
  expect(alone.message).toMatch(/^users\.alice\.messages: not an mbox file .*broken\.mbox$/);
});

test('addUser() and deliver(): the path within what was handed over; nothing is added', async () => {
  const added = await fixtureErrorOf(
    side.pop3.addUser('carol', { password: 'x', messages: [MESSAGE, { path: missing }] }),
  );
  expect(added.message).toBe(`options.messages[1]: ${NOT_FOUND(missing)}`);
  expect(side.pop3.users()).not.toContain('carol');

  const delivered = await fixtureErrorOf(side.pop3.deliver(USER, [MESSAGE, MESSAGE, { path: missing }]));
  expect(delivered.message).toBe(`messages[2]: ${NOT_FOUND(missing)}`);
  await expectNormalSession(side.pop3.port, 1);
});

test('HTTP: a 400 naming the path, and the remote client throws the same FixtureError', async () => {
  const response = await fetch(`${side.pop3.controlUrl}/api/users/${USER}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${side.pop3.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [MESSAGE, { path: missing }] }),
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({
    error: `messages[1]: ${NOT_FOUND(missing)}`,
    path: 'messages[1]',
    problem: NOT_FOUND(missing),
  });

  const remote = await connectPop3Mock({ url: side.pop3.controlUrl, token: side.pop3.controlToken });
  const [inProcess, overHttp] = await Promise.all([
    fixtureErrorOf(side.pop3.deliver(USER, [missing])),
    fixtureErrorOf(remote.deliver(USER, [missing])),
  ]);
  expect({ path: overHttp.path, message: overHttp.message, problem: overHttp.problem }).toEqual({
    path: inProcess.path,
    message: inProcess.message,
    problem: inProcess.problem,
  });
  await expectNormalSession(side.pop3.port, 1);
});

test('CLI: a --user fixture names the flag, a config fixture the file and its path in it (exit 4)', async () => {
  const flag = await runMain(['--user', `${USER}:${PASSWORD}:${missing}`]);
  expect(flag).toEqual({ code: 4, stdout: '', stderr: `pop3-mock: --user ${USER}: ${NOT_FOUND(missing)}` });

  const config = join(dir, 'pop3-mock.json');
  writeFileSync(
    config,
    JSON.stringify({ users: { [USER]: { password: PASSWORD, messages: [MESSAGE, { path: missing }] } } }),
  );
  const fromFile = await runMain(['--config', config]);
  expect(fromFile).toEqual({
    code: 4,
    stdout: '',
    stderr: `pop3-mock: config ${config}: users.${USER}.messages[1]: ${NOT_FOUND(missing)}`,
  });
});

// Review of ebd8f24..137a1a7: the remote client sends every source as a list
// (wireMessages), so a single source gets an index the in-process call does not give.
test('remote client: a single source is named as the in-process call names it', async () => {
  const remote = await connectPop3Mock({ url: side.pop3.controlUrl, token: side.pop3.controlToken });
  const [inProcess, overHttp] = await Promise.all([
    fixtureErrorOf(side.pop3.deliver(USER, { path: missing })),
    fixtureErrorOf(remote.deliver(USER, { path: missing })),
  ]);
  expect(overHttp.message).toBe(inProcess.message);
  const [added, addedRemotely] = await Promise.all([
    fixtureErrorOf(side.pop3.addUser('dave', { password: 'x', messages: { path: missing } })),
    fixtureErrorOf(remote.addUser('erin', { password: 'x', messages: { path: missing } })),
  ]);
  expect(addedRemotely.message).toBe(added.message);
});

// Review: PUT /api/users/{user} answers a fixture error with the path addUser() gives
// (`options.messages[0]`), while its body has no `options`: the same endpoint's schema
// errors name `messages[0]`.
test('HTTP PUT /api/users/{user}: the 400 names the place in the request body', async () => {
  const put = (messages: unknown) =>
    fetch(`${side.pop3.controlUrl}/api/users/frank`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${side.pop3.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'x', messages }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { path?: string } }));
  const schemaError = await put([{ pathx: missing }]);
  const fixtureError = await put([{ path: missing }]);
  expect(schemaError).toMatchObject({ status: 400, body: { path: 'messages[0]' } });
  expect(fixtureError).toMatchObject({ status: 400, body: { path: 'messages[0]' } });
});

test('two messages with one uid: the error names where the messages were given', async () => {
  const twice = [
    { raw: MESSAGE, uid: 'same' },
    { raw: 'Subject: two\r\n\r\n2\r\n', uid: 'same' },
  ];
  const atStart = await fixtureErrorOf(
    startPop3Mock({
      users: { [USER]: { password: PASSWORD }, bob: { password: PASSWORD, messages: twice } },
    }),
  );
  expect(atStart.path).toBe('users.bob.messages');
  expect(atStart.message).toMatch(/^users\.bob\.messages: uid "same" given for /);
  const delivered = await fixtureErrorOf(side.pop3.deliver(USER, twice));
  expect(delivered.path).toBe('messages');
  await expectNormalSession(side.pop3.port, 1);
});

test('CLI: a config file fixture is named with the file, as its schema errors are', async () => {
  const config = join(dir, 'named.json');
  writeFileSync(
    config,
    JSON.stringify({ users: { [USER]: { password: PASSWORD, messages: [{ path: missing }] } } }),
  );
  expect(await runMain(['--config', config])).toEqual({
    code: 4,
    stdout: '',
    stderr: `pop3-mock: config ${config}: users.${USER}.messages[0]: ${NOT_FOUND(missing)}`,
  });
});

// A `__proto__` key (JSON.parse makes one) would set the users object's prototype, and zod's
// record passes over it: the user vanished and its fixtures were never read.
test('a user named __proto__ is refused at every door, never dropped in silence', async () => {
  const proto = JSON.stringify({ password: PASSWORD, messages: [{ path: missing }] });
  const users = JSON.parse(`{"__proto__": ${proto}}`) as Record<string, unknown>;
  expect(Object.keys(users)).toEqual(['__proto__']);
  const PROTO = 'users.__proto__: expected a user name other than "__proto__", got "__proto__"';
  // A server that starts anyway is closed, so the test fails instead of holding jest open.
  const started = await startPop3Mock({ users: users as never }).then(
    async (pop3) => {
      await pop3.close();
      return 'started';
    },
    (error: unknown) => String(error),
  );
  expect(started).toBe(`InputError: pop3-mock options: ${PROTO}`);

  // A second user with a missing fixture ends the CLI either way (it must not serve on).
  const config = join(dir, 'proto.json');
  writeFileSync(config, `{"users": {"__proto__": ${proto}, "zed": ${proto}}}`);
  expect(await runMain(['--config', config])).toEqual({
    code: 4,
    stdout: '',
    stderr: `pop3-mock: config ${config}: ${PROTO}`,
  });
  expect(await runMain(['--user', `__proto__:${PASSWORD}:${missing}`])).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(
      /^pop3-mock: --user "__proto__": expected a user name other than "__proto__"\n/,
    ),
  });
  await expect(side.pop3.addUser('__proto__', PASSWORD)).rejects.toThrow(
    'addUser(): user: expected a user name other than "__proto__", got "__proto__"',
  );
  expect(side.pop3.users()).not.toContain('__proto__');
});
