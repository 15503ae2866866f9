import { connectPop3Mock, InputError, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';

/*
 * Nodemailer fields cross the control API as JSON, which turned a Date into
 * ISO text (a Date: header no RFC 5322 reader takes, the call accepted) and a
 * Buffer into { type, data } (a FixtureError saying nothing of the wire).
 * The remote client refuses such a value, named by its path; the same fields
 * as strings give the same bytes on both sides, fetched by a POP3 client.
 */

const USER = 'alice';
const PASSWORD = 'secret';
const FIELDS = {
  from: 'a@example.com',
  to: 'alice@example.com',
  subject: 'report',
  text: 'see the attachment',
};

let server: Awaited<ReturnType<typeof startPop3Mock>>;
let remote: Awaited<ReturnType<typeof connectPop3Mock>>;
beforeAll(async () => {
  server = await startPop3Mock({ control: true, users: { [USER]: PASSWORD } });
  remote = await connectPop3Mock({ url: server.controlUrl!, token: server.controlToken! });
});
afterAll(async () => {
  await remote.close();
  await server.close();
});

async function refusal(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => 'accepted',
    (error: unknown) => (error instanceof InputError ? error.message : error),
  );
}

test.each<[string, Record<string, unknown>, string, string]>([
  [
    'a Date',
    { ...FIELDS, date: new Date('2020-01-02T03:04:05Z') },
    'messages.date',
    'a string (date.toUTCString()): a Date',
  ],
  [
    'a Buffer as an attachment',
    { ...FIELDS, attachments: [{ filename: 'a.bin', content: Buffer.from([0, 1, 2]) }] },
    'messages.attachments[0].content',
    "a string (buffer.toString('base64'), with encoding: 'base64'): a Buffer",
  ],
  [
    'a Buffer as the text',
    { ...FIELDS, text: Buffer.from('hi') },
    'messages.text',
    "a string (buffer.toString('base64'), with encoding: 'base64'): a Buffer",
  ],
])(
  'remote deliver() of nodemailer fields with %s: an InputError naming the path, nothing delivered',
  async (_, fields, path, expected) => {
    const before = server.mailbox(USER).messages().length;
    expect(await refusal(remote.deliver(USER, fields as never))).toBe(
      `deliver(): ${path}: expected ${expected} cannot cross the control API`,
    );
    // The same call in process takes them.
    expect(await refusal(server.deliver(USER, fields as never))).toBe('accepted');
    expect(server.mailbox(USER).messages()).toHaveLength(before + 1);
  },
);

test('addUser() names the path in its options, in a list', async () => {
  expect(
    await refusal(
      remote.addUser('bob', {
        password: PASSWORD,
        messages: ['Subject: a\n\nb\n', { ...FIELDS, date: new Date() }],
      }),
    ),
  ).toBe(
    'addUser(): options.messages[1].date: expected a string (date.toUTCString()): a Date cannot cross the control API',
  );
  expect(await server.users()).not.toContain('bob');
});

test('the same fields as strings: the same bytes in process and remotely, as a POP3 client fetches them', async () => {
  const fields = {
    ...FIELDS,
    date: new Date('2020-01-02T03:04:05Z').toUTCString(),
    attachments: [
      { filename: 'a.bin', content: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' },
    ],
  };
  await server.mailbox(USER).reset();
  await server.deliver(USER, fields);
  await remote.deliver(USER, fields);
  const client = await RawClient.login(server.port, USER, PASSWORD);
  const [first, second] = [await client.multi('RETR 1'), await client.multi('RETR 2')];
  await client.command('QUIT');
  expect(second.data.equals(first.data)).toBe(true);
  expect(first.data.toString('latin1')).toContain('Date: Thu, 02 Jan 2020 03:04:05 GMT');
  expect(first.data.toString('latin1')).toContain('AAEC/w==');
});
