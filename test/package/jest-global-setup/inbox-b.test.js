const { connectPop3Mock, createIsolatedUser, on } = require('pop3-mock');
const { fetchAndDelete } = require('./inbox');

let remote;
let mine;

beforeAll(async () => {
  remote = await connectPop3Mock();
});
beforeEach(async () => {
  mine = await createIsolatedUser(remote, { messages: ['Subject: b1\r\n\r\nfor worker b\r\n'] });
});
afterEach(() => mine.remove());

const account = () => ({ host: remote.host, port: remote.port, user: mine.user, password: mine.password });

test('runs in a worker, against the server of the global setup', () => {
  expect(process.env.JEST_WORKER_ID).toBeDefined();
  expect(Number(process.env.POP3_MOCK_PORT)).toBe(remote.port);
});

test('fetches only its own mail, whatever the other worker does', async () => {
  for (let run = 0; run < 3; run++) {
    expect(await fetchAndDelete(account())).toEqual(['Subject: b1\r\n\r\nfor worker b']);
    // Back to its first message; other users' mailboxes are untouched.
    await mine.reset();
  }
  await mine.verify('RETR 1', { times: 3 });
  await expect(mine.verify('RETR 2')).rejects.toThrow(/RETR 2/);
});

test('a server that hangs up after DELE: nothing is deleted (no QUIT, no UPDATE)', async () => {
  await mine.use(on('DELE').once().replyAndClose('-ERR [SYS/TEMP] going away'));
  await expect(fetchAndDelete(account())).rejects.toThrow('[SYS/TEMP] going away');
  const session = await mine.sessionEnd();
  expect(session.endReason).toBe('fault');
  expect(await remote.mailbox(mine.user).messages()).toHaveLength(1);
});
