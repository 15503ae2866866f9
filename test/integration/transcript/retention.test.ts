// keepSessions: the recorder keeps the newest N ended sessions, open ones
// always, ids never renumbered; every view says what was dropped, and a
// verification a dropped session could overturn is not given. Sessions run
// over TCP with the raw client; what is read back goes through the public API.
import { connectPop3Mock, type Pop3Mock, startPop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { RawClient } from '../../helpers/raw-client';
import { verificationError } from '../../helpers/verification';

installPop3Matchers();

const PASSWORDS = { alice: 'alice-pw', bob: 'bob-pw' } as const;
type User = keyof typeof PASSWORDS;
const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';
const WHY = '(keepSessions: 2 keeps the newest ended sessions)';

let pop3: Pop3Mock;
beforeEach(async () => {
  pop3 = await startPop3Mock({
    keepSessions: 2,
    users: {
      alice: { password: PASSWORDS.alice, messages: [MESSAGE] },
      bob: { password: PASSWORDS.bob, messages: [MESSAGE] },
    },
  });
});
afterEach(() => pop3.close());

/** One whole session of `user`: login, the commands, QUIT (its record has ended when QUIT's reply is read). */
async function session(user: User, ...commands: string[]): Promise<void> {
  const client = await RawClient.login(pop3.port, user, PASSWORDS[user]);
  for (const command of commands) {
    if (command.startsWith('RETR')) await client.multi(command);
    else await client.command(command);
  }
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
}

const ids = () => pop3.listSessions().map((s) => s.id);

/** The i-th message the deletion tests deliver. */
const delivered = (i: number) => `Subject: delivered ${i}\r\n\r\nbody ${i}\r\n`;

/** Delivers message `i` to bob on `server`, then one session logged in as `login` deletes with `dele` and quits. */
async function deliverThenDelete(server: Pop3Mock, i: number, login: string, dele: string): Promise<void> {
  await server.deliver('bob', delivered(i));
  const client = await RawClient.login(server.port, login, PASSWORDS.bob);
  expect(await client.command(dele)).toMatch(/^\+OK/);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
}

test('the sessions that ended first are dropped, open ones kept, ids never renumbered', async () => {
  const open = await RawClient.login(pop3.port, 'alice', PASSWORDS.alice); // session 1, stays open
  await session('bob', 'STAT'); // 2
  await session('bob', 'RETR 1'); // 3
  await session('bob', 'NOOP'); // 4
  expect(ids()).toEqual([1, 3, 4]);
  expect(pop3.sessions.map((s) => s.id)).toEqual([1, 3, 4]);
  expect(pop3.droppedSessions()).toEqual({ sessions: 1, lastId: 2, keep: 2 });
  expect(pop3.droppedSessions({ user: 'bob' })).toEqual({ sessions: 1, lastId: 2, keep: 2 });
  expect(pop3.droppedSessions({ user: 'alice' })).toBeUndefined();
  expect(pop3.droppedSessions({ sessionId: 2 })).toEqual({ sessions: 1, lastId: 2, keep: 2 });
  expect(pop3.droppedSessions({ sessionId: 3 })).toBeUndefined();

  // The open session ends: it is now the newest ended one, and session 3 goes.
  expect(await open.command('QUIT')).toMatch(/^\+OK/);
  await open.closed();
  expect(ids()).toEqual([1, 4]);
  expect(pop3.droppedSessions()).toEqual({ sessions: 2, lastId: 3, keep: 2 });
  await session('alice', 'STAT');
  expect(ids()).toEqual([1, 5]);
  expect(pop3.droppedSessions()).toEqual({ sessions: 3, lastId: 4, keep: 2 });
  expect(pop3.droppedSessions({ user: 'alice' })).toBeUndefined();
});

test('the export, the text transcript and a lookup by id say what was dropped; reset() starts over', async () => {
  await session('bob', 'STAT');
  await session('alice', 'STAT');
  await session('alice', 'NOOP');
  const marker = { sessions: 1, lastId: 1, keep: 2 };
  const exported = pop3.exportTranscripts();
  expect(exported.dropped).toEqual(marker);
  expect(exported.sessions.map((s) => s.id)).toEqual([2, 3]);
  expect(JSON.parse(JSON.stringify(exported)).dropped).toEqual(marker);
  expect(pop3.exportTranscripts({ sessionId: 1 })).toEqual({
    format: 'pop3-mock-transcripts',
    version: 1,
    dropped: marker,
    sessions: [],
  });
  expect(pop3.exportTranscripts({ user: 'alice' }).dropped).toBeNull();

  expect(pop3.transcript().split('\n')[0]).toBe(
    `-- 1 ended session was dropped, the newest of them session 1 ${WHY}`,
  );
  expect(pop3.transcript({ stable: true }).split('\n').slice(0, 3)).toEqual([
    `-- 1 ended session was dropped ${WHY}`,
    '',
    '# session 1 (alice), no TLS',
  ]);
  expect(pop3.transcript({ user: 'alice' }).split('\n')[0]).toMatch(/^# session 2 \(alice\)/);
  expect(pop3.transcript({ sessionId: 1 })).toBe(`-- session 1 ended and was dropped ${WHY}`);

  await expect(pop3.sessionEnd(1)).rejects.toThrow(
    new RangeError(`pop3-mock: no session 1: it ended and its record was dropped ${WHY}`),
  );
  await expect(pop3.sessionEnd(9)).rejects.toThrow(new RangeError('pop3-mock: no session 9'));

  await pop3.reset();
  expect(pop3.droppedSessions()).toBeUndefined();
  expect(pop3.exportTranscripts()).toEqual({
    format: 'pop3-mock-transcripts',
    version: 1,
    dropped: null,
    sessions: [],
  });
  expect(pop3.transcript()).toBe('');
  // Forgotten by the reset, not dropped.
  await expect(pop3.sessionEnd(1)).rejects.toThrow(
    new RangeError('pop3-mock: no session 1: it ended before reset(), which forgets ended sessions'),
  );
});

describe('verify and the matchers over dropped sessions', () => {
  beforeEach(async () => {
    await session('bob', 'RETR 1', 'DELE 1'); // 1: dropped below
    await session('alice', 'STAT'); // 2
    await session('alice', 'STAT'); // 3
    expect(pop3.droppedSessions()).toEqual({ sessions: 1, lastId: 1, keep: 2 });
  });

  test('a count within an upper bound is not given when a dropped session could add to it', () => {
    const error = verificationError(() => pop3.verify('RETR 1', { times: 0 }));
    expect(error.count).toBe(0);
    expect(error.message.split('\n').slice(0, 3)).toEqual([
      'pop3-mock: cannot tell whether the command "RETR 1" was received exactly 0 times: it was received 0 times in the sessions kept, ' +
        `but 1 ended session was dropped, the newest of them session 1 ${WHY}, and commands of dropped sessions are not counted.`,
      'Check kept sessions only ({ sessionId }, or a { user } whose sessions are all kept), raise keepSessions, or reset() between tests.',
      'Sessions looked at: 2 (alice), 3 (alice).',
    ]);
    expect(verificationError(() => pop3.verify('STAT', { times: 2 })).message).toMatch(
      /^pop3-mock: cannot tell whether the command "STAT" was received exactly 2 times: it was received 2 times in the sessions kept/,
    );
    expect(
      verificationError(() => pop3.verify('STAT', { times: { atLeast: 1, atMost: 2 } })).message,
    ).toMatch(/^pop3-mock: cannot tell whether/);
  });

  test('what the kept sessions prove is given: a lower bound met, a count over the upper bound, a user who lost nothing', () => {
    expect(pop3.verify('STAT')).toBe(2);
    expect(pop3.verify('STAT', { user: 'alice', times: 2 })).toBe(2);
    expect(pop3.verify('RETR 1', { user: 'alice', times: 0 })).toBe(0);
    const over = verificationError(() => pop3.verify('STAT', { times: { atMost: 1 } }));
    expect(over.message.split('\n')[0]).toBe(
      'pop3-mock: expected the command "STAT" to be received at most 1 time, but it was received 2 times.',
    );
    // A lower bound missed: a failure, and it says what it did not look at.
    const missed = verificationError(() => pop3.verify('RETR 1'));
    expect(missed.message.split('\n')[0]).toBe(
      'pop3-mock: expected the command "RETR 1" to be received at least once, but it was received 0 times.',
    );
    expect(missed.message).toContain(
      `\nNot looked at: 1 ended session was dropped, the newest of them session 1 ${WHY}.`,
    );
    const bySession = verificationError(() => pop3.verify('RETR 1', { sessionId: 1 }));
    expect(bySession.message).toContain(`\nNot looked at: session 1 ended and was dropped ${WHY}.`);
  });

  test('the matchers on the server: both forms fail where a dropped session could overturn them', () => {
    expect(pop3).toHaveReceivedCommand('STAT', { times: { atLeast: 2 } });
    expect(pop3).not.toHaveReceivedCommand('RETR 1', { user: 'alice' });
    expect(() => expect(pop3).not.toHaveReceivedCommand('RETR 1')).toThrow(
      'pop3-mock: cannot tell whether the command "RETR 1" was not received at least once',
    );
    expect(() => expect(pop3).toHaveReceivedCommand('RETR 1', { times: 0 })).toThrow(
      'pop3-mock: cannot tell whether the command "RETR 1" was received exactly 0 times',
    );
    const exactly = `pop3-mock: cannot tell whether the messages deleted at UPDATE are exactly [1]: 1 ended session was dropped, the newest of them session 1 ${WHY}, and dropped sessions are not looked at.`;
    expect(() => expect(pop3).toHaveDeletedMessages([1])).toThrow(exactly);
    expect(() => expect(pop3).not.toHaveDeletedMessages([1])).toThrow(exactly);
    expect(pop3).toHaveDeletedMessages([], { user: 'alice' });
    expect(pop3).toHaveReceivedCommands(['STAT', 'QUIT']);
    expect(() => expect(pop3).not.toHaveReceivedCommands(['RETR 1', 'DELE 1'])).toThrow(
      'pop3-mock: cannot tell whether the commands "RETR 1", "DELE 1" were not received in this order',
    );
    // The last session is kept: its end is known.
    expect(pop3).toHaveEndedWith('quit-update');
    // An array of records carries no word of what was dropped: it is judged as it is.
    expect(pop3.listSessions()).not.toHaveReceivedCommand('RETR 1');
    // A failure found nowhere kept says which sessions it did not look at, as verify() does.
    expect(() => expect(pop3).toHaveTlsFailure()).toThrow(
      `\nNot looked at: 1 ended session was dropped, the newest of them session 1 ${WHY}.`,
    );
  });
});

test('the server says its limit; in process there is none by default', async () => {
  expect(pop3.keepSessions).toBe(2);
  const unbounded = await startPop3Mock({ users: { bob: PASSWORDS.bob } });
  try {
    expect(unbounded.keepSessions).toBe('all');
    for (let i = 0; i < 3; i++) {
      const client = await RawClient.login(unbounded.port, 'bob', PASSWORDS.bob);
      await client.command('QUIT');
      await client.closed();
    }
    expect(unbounded.listSessions().map((s) => s.id)).toEqual([1, 2, 3]);
    expect(unbounded.droppedSessions()).toBeUndefined();
    expect(unbounded.exportTranscripts().dropped).toBeNull();
  } finally {
    await unbounded.close();
  }
});

test("a dropped session's deletions stay listed and their bytes go: a mailbox fed and emptied stays bounded", async () => {
  // Each session deletes the message delivered just before it; without a bound, every deleted message's bytes stay.
  for (let i = 1; i <= 4; i++) {
    await pop3.deliver('bob', delivered(i));
    await session('bob', 'DELE 2'); // sessions 1-4: the seed message stays, the delivered one goes
  }
  const deleted = pop3.mailbox('bob').deleted();
  expect(deleted.map((d) => [d.sessionId, d.bytes?.toString()])).toEqual([
    [1, undefined],
    [2, undefined],
    [3, 'Subject: delivered 3\r\n\r\nbody 3\r\n'],
    [4, 'Subject: delivered 4\r\n\r\nbody 4\r\n'],
  ]);
  // The outcome still lists all four; the dropped sessions' numbers are gone with their records.
  expect(pop3.outcome('bob').deleted.map((d) => [d.sessionId, d.number])).toEqual([
    [1, undefined],
    [2, undefined],
    [3, 2],
    [4, 2],
  ]);
  // Without a limit (the in-process default) every deletion keeps its bytes until reset().
  const all = await startPop3Mock({ users: { bob: { password: PASSWORDS.bob, messages: [MESSAGE] } } });
  try {
    for (let i = 1; i <= 3; i++) await deliverThenDelete(all, i, 'bob', 'DELE 2');
    const sizes = [1, 2, 3].map((i) => Buffer.byteLength(delivered(i)));
    expect(
      all
        .mailbox('bob')
        .deleted()
        .map((d) => d.bytes?.length),
    ).toEqual(sizes);
  } finally {
    await all.close();
  }
});

test("a dropped session's deletions let go of their bytes when its login names another mailbox (gmail's recent:)", async () => {
  // Gmail's dialect maps the login `recent:bob` to bob's mailbox: the bytes are found by session, not by login.
  const gmail = await startPop3Mock({ dialect: 'gmail', keepSessions: 1, users: { bob: PASSWORDS.bob } });
  try {
    for (let i = 1; i <= 3; i++) await deliverThenDelete(gmail, i, 'recent:bob', 'DELE 1');
    expect(gmail.sessions.map((s) => s.user)).toEqual(['recent:bob']);
    expect(
      gmail
        .mailbox('bob')
        .deleted()
        .map((d) => [d.sessionId, d.bytes === undefined]),
    ).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  } finally {
    await gmail.close();
  }
});

test("outcome() says when a user's sessions were dropped: retrieved leaves theirs out, deleted keeps every deletion; the remote client says the same", async () => {
  await pop3.close();
  pop3 = await startPop3Mock({
    keepSessions: 2,
    control: true,
    users: {
      alice: { password: PASSWORDS.alice, messages: [MESSAGE] },
      bob: { password: PASSWORDS.bob, messages: [MESSAGE] },
    },
  });
  await session('bob', 'RETR 1', 'DELE 1'); // 1: dropped below
  await session('alice', 'RETR 1'); // 2
  await session('alice', 'STAT'); // 3
  const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  try {
    for (const api of [pop3, remote]) {
      const bob = await api.outcome('bob');
      expect(bob.retrieved).toEqual([]);
      expect(bob.deleted).toMatchObject([{ sessionId: 1 }]);
      expect(bob.dropped).toEqual({ sessions: 1, lastId: 1, keep: 2 });
      const alice = await api.outcome('alice');
      expect(alice.retrieved).toMatchObject([{ sessionId: 2, number: 1 }]);
      expect('dropped' in alice).toBe(false);
    }
  } finally {
    await remote.close();
  }
});
