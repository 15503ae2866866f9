import { createServer } from 'node:net';
import { ControlError, connectPop3Mock, InputError, type Pop3Mock, startPop3Mock } from '../../../src';

/*
 * connectPop3Mock() is a door: a misspelt option was read as none ("no
 * control URL/token"), a number as a URL threw a TypeError from inside, and
 * a URL where no control API answers gave fetch's bare "fetch failed".
 */

let pop3: Pop3Mock;
const saved = { url: process.env.POP3_MOCK_CONTROL_URL, token: process.env.POP3_MOCK_TOKEN };

beforeAll(async () => {
  pop3 = await startPop3Mock({ control: true });
  delete process.env.POP3_MOCK_CONTROL_URL;
  delete process.env.POP3_MOCK_TOKEN;
});

afterAll(async () => {
  if (saved.url !== undefined) process.env.POP3_MOCK_CONTROL_URL = saved.url;
  if (saved.token !== undefined) process.env.POP3_MOCK_TOKEN = saved.token;
  await pop3.close();
});

test.each<[string, () => unknown, string, string]>([
  [
    'a misspelt option',
    () => ({ url: pop3.controlUrl, tokn: pop3.controlToken }),
    'options',
    'connectPop3Mock(): options: unknown key "tokn"; did you mean "token"?',
  ],
  [
    'a URL without its scheme',
    () => ({ url: 'localhost:4000', token: pop3.controlToken }),
    'options.url',
    'connectPop3Mock(): options.url: expected the control API URL, such as http://127.0.0.1:4000, got "localhost:4000"',
  ],
  [
    'a number as the URL',
    () => ({ url: 4000, token: pop3.controlToken }),
    'options.url',
    'connectPop3Mock(): options.url: expected a string, got 4000',
  ],
  [
    'neither given nor in the environment',
    () => ({}),
    'options.url',
    "connectPop3Mock(): options.url: expected the control API URL: pass { url } or set POP3_MOCK_CONTROL_URL (pop3-mock's jest global setup sets it for its workers); options.token: expected the control API token: pass { token } or set POP3_MOCK_TOKEN (pop3-mock's jest global setup sets it for its workers)",
  ],
])('%s: an InputError naming it', async (_, options, path, message) => {
  const refused = await connectPop3Mock(options() as never).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(InputError);
  expect(refused).toMatchObject({ path, message });
});

/** The control channel's address and token (it is on in this file). */
const controlUrl = (): string => pop3.controlUrl ?? '';
const controlToken = (): string => pop3.controlToken ?? '';

test.each<[string, (url: string) => string]>([
  ['a path', (url) => `${url}/api`],
  ["the browser view's link", (url) => `${url}/ui/`],
  ['a query', (url) => `${url}?token=x`],
])('a URL with %s: an InputError, not a request to a path no endpoint has', async (_, urlWith) => {
  // Taken before: the client added /api/... to it, and a running server's 404 (or its
  // browser view's whole HTML page) came back as the ControlError's message.
  const url = urlWith(controlUrl());
  const refused = await connectPop3Mock({ url, token: controlToken() }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(InputError);
  expect(refused).toMatchObject({
    path: 'options.url',
    message: `connectPop3Mock(): options.url: expected the control API URL with no path, query or fragment, such as http://127.0.0.1:4000 (the client adds /api/...), got ${JSON.stringify(url)}`,
  });
});

test('a URL with a trailing slash connects', async () => {
  const remote = await connectPop3Mock({ url: `${controlUrl()}/`, token: controlToken() });
  expect(remote.port).toBe(pop3.port);
  await remote.close();
});

describe('the environment is checked as the options are, each variable named', () => {
  afterEach(() => {
    delete process.env.POP3_MOCK_CONTROL_URL;
    delete process.env.POP3_MOCK_TOKEN;
  });

  test.each<[string, () => Record<string, string>, string, () => string]>([
    [
      'POP3_MOCK_CONTROL_URL without its scheme',
      () => ({
        POP3_MOCK_CONTROL_URL: controlUrl().replace('http://', ''),
        POP3_MOCK_TOKEN: controlToken(),
      }),
      'POP3_MOCK_CONTROL_URL',
      () =>
        `environment: POP3_MOCK_CONTROL_URL: expected the control API URL, such as http://127.0.0.1:4000, got ${JSON.stringify(controlUrl().replace('http://', ''))}`,
    ],
    [
      'POP3_MOCK_CONTROL_URL with a path',
      () => ({ POP3_MOCK_CONTROL_URL: `${controlUrl()}/api`, POP3_MOCK_TOKEN: controlToken() }),
      'POP3_MOCK_CONTROL_URL',
      () =>
        `environment: POP3_MOCK_CONTROL_URL: expected the control API URL with no path, query or fragment, such as http://127.0.0.1:4000 (the client adds /api/...), got ${JSON.stringify(`${controlUrl()}/api`)}`,
    ],
    [
      'a POP3_MOCK_TOKEN no server can have',
      () => ({ POP3_MOCK_CONTROL_URL: controlUrl(), POP3_MOCK_TOKEN: 'short' }),
      'POP3_MOCK_TOKEN',
      () =>
        'environment: POP3_MOCK_TOKEN: expected a token of 8 to 512 printable characters, got a string (not shown)',
    ],
  ])('%s: an InputError naming it', async (_, env, path, message) => {
    Object.assign(process.env, env());
    const refused = await connectPop3Mock().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path, message: message() });
  });

  test('a variable the options override is not read', async () => {
    process.env.POP3_MOCK_CONTROL_URL = 'not a url';
    process.env.POP3_MOCK_TOKEN = 'short';
    const remote = await connectPop3Mock({ url: controlUrl(), token: controlToken() });
    expect(remote.port).toBe(pop3.port);
    await remote.close();
  });

  test("another server's token: a ControlError 401 naming the URL and the variable the token came from", async () => {
    // A worker holding a token of another run's server read only "missing or wrong token".
    const other = await startPop3Mock({ control: true });
    process.env.POP3_MOCK_CONTROL_URL = controlUrl();
    process.env.POP3_MOCK_TOKEN = other.controlToken;
    const failed = await connectPop3Mock().catch((error: unknown) => error);
    await other.close();
    expect(failed).toBeInstanceOf(ControlError);
    expect(failed).toMatchObject({ status: 401 });
    expect((failed as Error).message).toBe(
      `pop3-mock: connectPop3Mock(): the control API at ${controlUrl()} (POP3_MOCK_CONTROL_URL) refused the token of POP3_MOCK_TOKEN: it is not that server's token (another server's, or another run's); give the controlToken of the server at that URL`,
    );
  });
});

/** A port nothing listens on: one a server held and let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a URL where nothing listens: a ControlError with status 0 naming the URL and the cause', async () => {
  const port = await closedPort();
  const failed = await connectPop3Mock({ url: `http://127.0.0.1:${port}`, token: pop3.controlToken }).catch(
    (error: unknown) => error,
  );
  expect(failed).toBeInstanceOf(ControlError);
  expect(failed).toMatchObject({ status: 0 });
  expect((failed as Error).message).toBe(
    `pop3-mock: GET http://127.0.0.1:${port}/api/status: no answer from the control API (ECONNREFUSED); is the server running, with control on?`,
  );
  // The request's own error is kept as the cause (matched by shape: it may come from another realm).
  expect((failed as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
});

test("the POP3 port given as the control API's: a ControlError with status 0, not a bare parse error", async () => {
  const failed = await connectPop3Mock({
    url: `http://127.0.0.1:${pop3.port}`,
    token: pop3.controlToken,
  }).catch((error: unknown) => error);
  expect(failed).toBeInstanceOf(ControlError);
  expect(failed).toMatchObject({ status: 0 });
  expect((failed as Error).message).toMatch(/no answer from the control API \(\w+\)/);
});

test('a server gone before the event stream opened: waitFor() fails as the other calls do, a ControlError with status 0', async () => {
  // Killed, or closed with no stream open, the server says nothing: the stream's open found no
  // control API, and reported a bare TypeError ("fetch failed") where every other call reports this.
  const own = await startPop3Mock({ control: { port: 0 }, users: { alice: 'pw' } });
  const remote = await connectPop3Mock({ url: own.controlUrl, token: own.controlToken });
  const url = `${own.controlUrl}/api/events`;
  await own.close();
  const failed = await remote.waitFor(() => true, { timeoutMs: 5_000 }).catch((error: unknown) => error);
  expect(failed).toBeInstanceOf(ControlError);
  expect(failed).toMatchObject({ status: 0 });
  expect((failed as Error).message).toBe(
    `pop3-mock: GET ${url}: no answer from the control API (ECONNREFUSED); is the server running, with control on?`,
  );
  await remote.close();
});

test('the right URL and token connect', async () => {
  const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  expect(remote.port).toBe(pop3.port);
  await remote.close();
});
