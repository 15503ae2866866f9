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
