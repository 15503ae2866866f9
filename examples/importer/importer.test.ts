import { on, usePop3Mock } from 'pop3-mock';
import { pop3Matchers } from 'pop3-mock/jest';
import { ImportInterruptedError, importMail, MemoryStore } from './importer';

expect.extend(pop3Matchers);

// Three messages; the second is long enough to be cut off after 100 octets,
// and holds a line starting with "." (dot-stuffed on the wire).
const MESSAGES = [
  'From: a@example.com\r\nSubject: first\r\n\r\nHello.\r\n',
  `From: b@example.com\r\nSubject: second\r\n\r\n.a line starting with a dot\r\n${'long body line\r\n'.repeat(20)}`,
  'From: c@example.com\r\nSubject: third\r\n\r\nBye.\r\n',
];

const pop3 = usePop3Mock({ users: { importer: { password: 'import-pw', messages: MESSAGES } } });
const account = () => ({
  host: pop3.current.host,
  port: pop3.current.port,
  user: 'importer',
  password: 'import-pw',
});
const uids = () =>
  pop3.current
    .mailbox('importer')
    .messages()
    .map((m) => m.uid);

test('moves every message into the store, byte for byte, and empties the maildrop', async () => {
  const [uid1, uid2, uid3] = uids();
  const store = new MemoryStore();

  const result = await importMail(account(), store);

  expect(result).toEqual({ imported: [uid1, uid2, uid3], alreadyStored: [], failed: [] });
  expect([...store.messages.values()]).toEqual(MESSAGES);
  expect(pop3.current).toHaveDeletedMessages([1, 2, 3]);
  expect(pop3.current).toHaveEndedWith('quit-update');
  expect(pop3.current.mailbox('importer').messages()).toEqual([]);
});

test('-ERR on RETR: the message stays on the server and comes with the next run', async () => {
  const seeded = uids();
  const [uid1, uid2, uid3] = seeded;
  await pop3.current.use(on('RETR', '2').once().reply('-ERR [SYS/TEMP] try later'));
  const store = new MemoryStore();

  const first = await importMail(account(), store);
  expect(first).toEqual({
    imported: [uid1, uid3],
    alreadyStored: [],
    failed: [{ uid: uid2, error: '[SYS/TEMP] try later' }],
  });
  // 1 and 3 were deleted on QUIT; 2 was never marked.
  expect(pop3.current).not.toHaveReceivedCommand('DELE 2');
  expect(uids()).toEqual([uid2]);

  const second = await importMail(account(), store);
  expect(second).toEqual({ imported: [uid2], alreadyStored: [], failed: [] });
  expect(uids()).toEqual([]);
  expect(store.saves).toEqual([uid1, uid3, uid2]);
  expect(seeded.map((uid) => store.messages.get(uid))).toEqual(MESSAGES);
});

test.each([
  ['FIN', on('RETR', '2').once().closeAfterBytes(100)],
  ['RST', on('RETR', '2').once().resetAfterBytes(100)],
])(
  'connection drop (%s) in the middle of RETR 2: nothing deleted, nothing lost, nothing saved twice',
  async (_, fault) => {
    const seeded = uids();
    const [uid1, uid2, uid3] = seeded;
    await pop3.current.use(fault);
    const store = new MemoryStore();

    const interrupted = await importMail(account(), store).catch((error: unknown) => error);
    expect(interrupted).toBeInstanceOf(ImportInterruptedError);
    expect((interrupted as ImportInterruptedError).partial.imported).toEqual([uid1]);
    // DELE 1 was sent, but without QUIT there is no UPDATE: all three are still there.
    const cut = await pop3.current.sessionEnd();
    expect(cut.endReason).toBe('fault');
    expect(cut.commands()).toContain('DELE 1');
    expect(uids()).toEqual([uid1, uid2, uid3]);

    const second = await importMail(account(), store);
    expect(second).toEqual({ imported: [uid2, uid3], alreadyStored: [uid1], failed: [] });
    expect(uids()).toEqual([]);
    expect(store.saves).toEqual([uid1, uid2, uid3]);
    expect(seeded.map((uid) => store.messages.get(uid))).toEqual(MESSAGES);
    // The second run fetched only what the first had not saved.
    expect(pop3.current).toHaveReceivedCommand('RETR 1', { times: 1 });
  },
);
