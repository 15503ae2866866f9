import { connectPop3Mock, on, type Pop3Mock, type RemotePop3Mock, startPop3Mock } from '../../../src';
import { sides } from '../../helpers/api-sides';
import { type HeldLink, startHeldLink } from '../../helpers/held-link';
import { RawClient } from '../../helpers/raw-client';

// waitForCommand looks ahead from the call, on both sides of the one
// interface: remotely the call reaches the server a moment later, and a
// command that arrived meanwhile was missed (the wait timed out).

/** Returns once the clock has moved to its next millisecond: what comes after is later than now, to the ms. */
function nextMillisecond(): void {
  const now = Date.now();
  while (Date.now() === now) {
    // A spin of under a millisecond, not a sleep.
  }
}

describe.each(sides)('%s', (_name, start) => {
  test('waitForCommand takes a command sent right after the call, and not one answered before it', async () => {
    const side = await start({ users: { alice: { password: 'pw', messages: [] } } });
    try {
      const client = await RawClient.login(side.server.port, 'alice', 'pw');
      expect(await client.command('STAT')).toMatch(/^\+OK/);
      nextMillisecond();
      const waiting = side.api.waitForCommand('NOOP', { timeoutMs: 5000 });
      // As long as the waits below for commands answered before their call: the server's timer
      // starts when it has the request, and it looks back to the call's time.
      const stat = side.api.waitForCommand('STAT', { timeoutMs: 100 }).catch((error: unknown) => error);
      nextMillisecond();
      client.socket.write('NOOP\r\n');
      expect(await waiting).toMatchObject({ verb: 'NOOP', sessionId: 1, index: 4 });
      // The STAT before the call is not taken for one after it.
      expect(await stat).toMatchObject({ name: 'WaitTimeoutError' });
      client.destroy();
    } finally {
      await side.close();
    }
  });
});

describe.each(sides)('%s, within one millisecond', (_name, start) => {
  test('waitForCommand takes every command sent right after the call, and none answered just before it', async () => {
    const side = await start({ users: { alice: { password: 'pw', messages: [] } } });
    try {
      const client = await RawClient.login(side.server.port, 'alice', 'pw');
      // No wait for the clock to move: most of these fall in the call's own millisecond
      // (remotely, three in ten were missed when whole milliseconds decided).
      for (let i = 0; i < 30; i++) {
        const waiting = side.api.waitForCommand(`NOOP ${i}`, { timeoutMs: 2000 });
        client.socket.write(`NOOP ${i}\r\n`);
        expect(await waiting).toMatchObject({ verb: 'NOOP', args: [String(i)] });
        await client.readLine();
      }
      // Answered before the call, in the same millisecond or not: never taken.
      const late: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        await client.command(`NOOP before ${i}`);
        late.push(
          side.api.waitForCommand(`NOOP before ${i}`, { timeoutMs: 100 }).then(
            (c) => c,
            (error: unknown) => (error as Error).name,
          ),
        );
      }
      expect(new Set(await Promise.all(late))).toEqual(new Set(['WaitTimeoutError']));
      client.destroy();
    } finally {
      await side.close();
    }
  });
});

test('remote, within one millisecond: a reset() by a listener hearing a command keeps the arrivals numbered as the restarted record', async () => {
  const [, start] = sides[1]!;
  const side = await start({ users: { alice: { password: 'pw', messages: [] } } });
  try {
    // The restarted record begins with the command heard: NOOP reset is its #1.
    const off = side.server.on('command', (event) => {
      if (event.raw === 'NOOP reset') void side.server.reset();
    });
    const client = await RawClient.login(side.server.port, 'alice', 'pw');
    await client.command('NOOP reset');
    off();
    expect(side.server.sessions[0]!.locatedCommands().map((c) => c.raw)).toEqual(['NOOP reset']);
    // As in the test above: most fall in the call's own millisecond, where the arrival decides.
    for (let i = 0; i < 30; i++) {
      const waiting = side.api.waitForCommand(`NOOP ${i}`, { timeoutMs: 2000 });
      client.socket.write(`NOOP ${i}\r\n`);
      expect(await waiting).toMatchObject({ verb: 'NOOP', args: [String(i)], index: i + 2 });
      await client.readLine();
    }
    client.destroy();
  } finally {
    await side.close();
  }
});

// Remotely, a command that arrived while the wait's request travelled was taken from the record
// with its reply (and replyCut) once sent: in process the same wait resolves on arrival, before it.
test('a command answered while the remote wait travelled comes as on arrival, as in process: no reply yet', async () => {
  const server = await startPop3Mock({ control: true, users: { alice: { password: 'pw', messages: [] } } });
  const link = await startHeldLink(Number(new URL(server.controlUrl!).port));
  const remote = await connectPop3Mock({ url: `http://127.0.0.1:${link.port}`, token: server.controlToken });
  try {
    await server.use(on('NOOP').closeAfterBytes(3));
    const client = await RawClient.login(server.port, 'alice', 'pw');
    link.hold();
    const remoteWait = remote.waitForCommand('NOOP', { timeoutMs: 5000 });
    const localWait = server.waitForCommand('NOOP', { timeoutMs: 5000 });
    client.socket.write('NOOP\r\n');
    await client.closed();
    // Answered (cut short, here) and recorded before the remote wait's request reaches the server.
    expect(server.sessions[0]!.locatedCommands().at(-1)).toMatchObject({ replyCut: { bytes: 3 } });
    link.release();
    const local = await localWait;
    expect(local.reply).toBeUndefined();
    expect(await remoteWait).toEqual(local);
  } finally {
    await remote.close();
    await link.close();
    await server.close();
  }
});

describe.each(sides)('%s: the record nextSession() gave, after sessionEnd(record)', (_name, start) => {
  test('holds what the session did (remotely it was the session at its start, and a .not matcher on it proved nothing)', async () => {
    const side = await start({ users: { alice: { password: 'pw', messages: ['Subject: a\r\n\r\nA\r\n'] } } });
    try {
      const next = side.api.nextSession({ timeoutMs: 5000 });
      const client = await RawClient.login(side.server.port, 'alice', 'pw');
      const record = await next;
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      const ended = await side.api.sessionEnd(record, { timeoutMs: 5000 });
      expect(ended).toBe(record);
      expect(record.commands()).toEqual(['USER alice', 'PASS ******', 'DELE 1', 'QUIT']);
      expect(record.ended).toBe(true);
      expect(record.deleted).toEqual([{ number: 1, uid: expect.any(String) }]);
    } finally {
      await side.close();
    }
  });
});

// nextSession() and sessionEnd() with no session look from the call too: a session that began while
// the request travelled is after the call, as in process. Remotely it was missed: nextSession() took
// the session after it (or timed out), and sessionEnd() took it for the latest one at the call.
describe('remote session waits, a session beginning while the request travels', () => {
  let server: Pop3Mock;
  let link: HeldLink;
  let remote: RemotePop3Mock;
  beforeEach(async () => {
    server = await startPop3Mock({ control: true, users: { alice: { password: 'pw', messages: [] } } });
    link = await startHeldLink(Number(new URL(server.controlUrl!).port));
    remote = await connectPop3Mock({ url: `http://127.0.0.1:${link.port}`, token: server.controlToken });
  });
  afterEach(async () => {
    await remote.close();
    await link.close();
    await server.close();
  });

  test('nextSession() takes the first session after the call, not the one after it', async () => {
    link.hold();
    const next = remote.nextSession({ timeoutMs: 1000 });
    const first = await RawClient.connect(server.port);
    link.release();
    // Only once the wait is at the server: a later session, which the wait took instead.
    await remote.users();
    const second = await RawClient.connect(server.port);
    expect((await next).id).toBe(1);
    first.destroy();
    second.destroy();
  });

  test('sessionEnd() waits for the latest session at the call, not one begun after it', async () => {
    const open = await RawClient.connect(server.port);
    link.hold();
    const end = remote.sessionEnd(undefined, { timeoutMs: 1000 });
    const later = await RawClient.connect(server.port);
    link.release();
    await remote.users();
    expect(await open.command('QUIT')).toMatch(/^\+OK/);
    expect(await end).toMatchObject({ id: 1, endReason: 'quit-authorization' });
    later.destroy();
  });

  test('sessionEnd() with no session at the call takes the first one after it', async () => {
    link.hold();
    const end = remote.sessionEnd(undefined, { timeoutMs: 1000 });
    const first = await RawClient.connect(server.port);
    const second = await RawClient.connect(server.port);
    link.release();
    await remote.users();
    expect(await first.command('QUIT')).toMatch(/^\+OK/);
    expect(await end).toMatchObject({ id: 1, endReason: 'quit-authorization' });
    second.destroy();
  });
});
