const { connectPop3Mock, createIsolatedUser, on } = require('pop3-mock');
const { fetchAndDelete } = require('./inbox');

let remote;
let mine;

beforeAll(async () => {
  // POP3_MOCK_CONTROL_URL and POP3_MOCK_TOKEN come from the global setup.
  remote = await connectPop3Mock();
});
// A user of its own for each test: its mail, faults and transcript are nobody else's.
beforeEach(async () => {
  mine = await createIsolatedUser(remote, {
    messages: ['Subject: a1\r\n\r\nfor worker a\r\n', 'Subject: a2\r\n\r\nfor worker a\r\n'],
  });
});
afterEach(() => mine.remove());

const account = () => ({ host: remote.host, port: remote.port, user: mine.user, password: mine.password });

test('runs in a worker, against the server of the global setup', () => {
  expect(process.env.JEST_WORKER_ID).toBeDefined();
  expect(Number(process.env.POP3_MOCK_PORT)).toBe(remote.port);
  expect(process.env.POP3_MOCK_HOST).toBe(remote.host);
});

test('fetches and deletes only its own mail', async () => {
  const messages = await fetchAndDelete(account());
  expect(messages).toEqual(['Subject: a1\r\n\r\nfor worker a', 'Subject: a2\r\n\r\nfor worker a']);
  await mine.verify('DELE 2', { times: 1 });
  expect(await remote.mailbox(mine.user).messages()).toEqual([]);
});

test('a fault for this user only: -ERR on the first RETR, nothing deleted', async () => {
  await mine.use(on('RETR').once().reply('-ERR [SYS/TEMP] try later'));
  await expect(fetchAndDelete(account())).rejects.toThrow('[SYS/TEMP] try later');
  expect((await remote.mailbox(mine.user).messages()).length).toBe(2);
  expect(await mine.commands()).toEqual([`USER ${mine.user}`, 'PASS ******', 'UIDL', 'RETR 1']);
});

test('the user of the config file is there too, untouched by the isolated users', async () => {
  expect(await remote.mailbox('shared').messages()).toHaveLength(1);
  expect((await remote.mailbox('shared').raw(1)).toString('utf8')).toContain(
    'This user comes from pop3-mock.config.json.',
  );
});
