import { sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

// reset() restarts a live session's record (a `reset` event begins a new
// one): a wait for that session's end begun before the reset must resolve
// with the record that saw the end, not the one reset() let go.

/** Resolves once the server holds `count` pending waits (a remote call has reached it). */
function waitsPending(server: { pendingWaits: number }, count: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (server.pendingWaits >= count ? resolve() : setImmediate(poll));
    poll();
  });
}

describe.each(sides)('%s', (_name, start) => {
  test('sessionEnd() begun before reset() resolves with the ended record, by id and for the latest session', async () => {
    const side = await start({ users: { alice: { password: 'pw', messages: ['Subject: 1\n\none\n'] } } });
    try {
      const client = await RawClient.login(side.server.port, 'alice', 'pw');
      const byId = side.api.sessionEnd(1, { timeoutMs: 5000 });
      const latest = side.api.sessionEnd(undefined, { timeoutMs: 5000 });
      await waitsPending(side.server, 2);
      await side.api.reset();
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);

      for (const ended of [await byId, await latest]) {
        expect(ended.id).toBe(1);
        expect(ended.ended).toBe(true);
        expect(ended.endReason).toBe('quit-update');
        // Its DELE was of its snapshot from before the reset: the seeded mailbox keeps the message.
        expect(ended.deleted).toEqual([]);
      }
      expect(await side.api.mailbox('alice').messages()).toHaveLength(1);
      client.destroy();
    } finally {
      await side.close();
    }
  });
});

test('in process, sessionEnd(record) begun before reset() resolves with the record kept now', async () => {
  const [, start] = sides[0]!;
  const side = await start({ users: { alice: 'pw' } });
  try {
    const client = await RawClient.login(side.server.port, 'alice', 'pw');
    const [before] = side.server.sessions;
    const ending = side.server.sessionEnd(before);
    await side.server.reset();
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    const ended = await ending;
    expect(ended).toBe(side.server.sessions[0]);
    expect(ended.endReason).toBe('quit-update');
    client.destroy();
  } finally {
    await side.close();
  }
});

test('in process, sessionEnd(record) with a record from before reset() finds the end that came after it', async () => {
  const [, start] = sides[0]!;
  const side = await start({ users: { alice: 'pw' } });
  try {
    const client = await RawClient.login(side.server.port, 'alice', 'pw');
    const [before] = side.server.sessions;
    await side.server.reset();
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    const ended = await side.server.sessionEnd(before, { timeoutMs: 2000 });
    expect(ended).toBe(side.server.sessions[0]);
    expect(ended.endReason).toBe('quit-update');
  } finally {
    await side.close();
  }
});

test('sessionEnd(record) with a record from before reset() whose session ended since and was dropped says so, as by id and remote', async () => {
  const [, start] = sides[0]!;
  const side = await start({ users: { alice: 'pw' }, keepSessions: 1 });
  try {
    const client = await RawClient.login(side.server.port, 'alice', 'pw');
    const [before] = side.server.sessions;
    await side.server.reset();
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    // A second session's end drops the first's record.
    const other = await RawClient.connect(side.server.port);
    expect(await other.command('QUIT')).toMatch(/^\+OK/);
    await other.closed();
    await side.server.sessionEnd(2);
    const byRecord = side.server.sessionEnd(before, { timeoutMs: 2000 });
    await expect(byRecord).rejects.toThrow('no session 1: it ended and its record was dropped');
  } finally {
    await side.close();
  }
});
