// Checklist §8, autologout and replies in flight: the period counts from the
// last command (RFC 1939 §3), but a reply a fault holds is the server's doing,
// and one the client is still reading is activity (Dovecot counts output
// progress too). Neither may be cut; a client that stops reading still is.
import { on } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import { bigMessage, expectSameBytes, login, OK, THREE, wireOf, withMailbox } from '../../helpers/fixtures';
import { type MultiLineReply, RawClient } from '../../helpers/raw-client';
import { within } from '../../helpers/within';
import { watchHost } from './support';

const watch = watchHost();
afterAll(() => watch.stop());
afterEach(() => watch.assertClean());

const PERIOD = 1_000;

/** Lets the server run what an advance of the clock set off (a reply, a close) and its bytes arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

test('§8 a delay fault longer than autologoutMs: the reply comes whole, and the period starts again when it went out', async () => {
  const clock = new FakeClock();
  await withMailbox(
    THREE,
    async (pop3) => {
      const client = await login(pop3);
      await pop3.use(on('STAT').delay(2_500));
      const stat = client.command('STAT');
      await settle();
      clock.advance(PERIOD); // The period ends while the fault holds the reply.
      await settle();
      clock.advance(PERIOD);
      await settle();
      clock.advance(500); // 2,500 ms: the delay is over, the reply goes out.
      expect(await within(stat, 5_000, 'the delayed STAT')).toMatch(/^\+OK 3 /);
      clock.advance(PERIOD - 100); // Counted from the reply, not from the checks while it was held.
      expect(await client.command('NOOP')).toMatch(OK);
      clock.advance(PERIOD);
      expect((await within(client.readToEnd(), 5_000, 'logged out')).toString('latin1')).toBe('');
      const record = await pop3.sessionEnd();
      expect(record.endReason).toBe('autologout');
      expect(record.commands()).toEqual(['USER alice', 'PASS ******', 'STAT', 'NOOP']);
    },
    { clock, autologoutMs: PERIOD },
  );
});

test('§8 a delayed greeting longer than autologoutMs arrives, and the period starts after it', async () => {
  const clock = new FakeClock();
  await withMailbox(
    THREE,
    async (pop3) => {
      await pop3.use(on('greeting').delay(1_500));
      const connecting = RawClient.connect(pop3.port);
      await settle();
      clock.advance(PERIOD);
      await settle();
      clock.advance(500);
      const client = await within(connecting, 5_000, 'the delayed greeting');
      clock.advance(PERIOD - 100);
      expect(await client.command('NOOP')).toMatch(/^-ERR/); // Not logged in: refused, not logged out.
      expect(await client.command('QUIT')).toMatch(OK);
      expect((await pop3.sessionEnd()).endReason).toBe('quit-authorization');
    },
    { clock, autologoutMs: PERIOD },
  );
});

test('§8 a hang outlasts autologoutMs: no -ERR is made up for the hung command; reset() releases it', async () => {
  const clock = new FakeClock();
  await withMailbox(
    THREE,
    async (pop3) => {
      const client = await login(pop3);
      await pop3.use(on('NOOP').hang());
      const noop = client.command('NOOP');
      for (let i = 0; i < 5; i++) {
        await settle();
        clock.advance(PERIOD);
      }
      await settle();
      expect(client.isClosed).toBe(false);
      expect(pop3.sessions[0]!.endReason).toBeUndefined();
      await pop3.reset(); // Releases the hang: the NOOP's own reply goes out.
      expect(await within(noop, 5_000, 'the released NOOP')).toMatch(OK);
      expect(await client.command('QUIT')).toMatch(OK);
    },
    { clock, autologoutMs: PERIOD },
  );
});

/**
 * Makes the client read a chunk at a time, with `pause` ms after each, while
 * `reading` runs (the client's own reader takes the bytes).
 */
async function paced<T>(client: RawClient, pause: number, reading: Promise<T>): Promise<T> {
  const socket = client.socket;
  const onData = () => {
    socket.pause();
    setTimeout(() => socket.resume(), pause);
  };
  socket.on('data', onData);
  try {
    return await reading;
  } finally {
    socket.off('data', onData);
    socket.resume();
  }
}

/**
 * Sends RETR 1 and reads the reply at some 6 MB/s, so 8 MB take over a
 * second. What the kernel buffers (a few MB on loopback) no server sees
 * being read: it counts as taken once the kernel took it. The rest it sees
 * go as the client reads (here the kernel lets it write again after about
 * 1.4 MB, every ~0.2 s): a period shorter than that would cut any server's
 * reply.
 */
async function retrieveSlowly(client: RawClient): Promise<{ reply: MultiLineReply; tookMs: number }> {
  const started = performance.now();
  const reply = await within(paced(client, 10, client.multi('RETR 1')), 20_000, 'the whole message');
  return { reply, tookMs: performance.now() - started };
}

const SLOW_PERIOD = 600;

test('§8 a client reading a large reply slowly, for longer than the period, gets all of it; the session ends after it', async () => {
  const message = bigMessage(8 * 1024 * 1024);
  await withMailbox(
    [message],
    async (pop3) => {
      const client = await login(pop3);
      const { reply, tookMs } = await retrieveSlowly(client);
      expect(tookMs).toBeGreaterThan(SLOW_PERIOD); // It did outlast the period.
      expect(reply.status).toMatch(OK);
      expectSameBytes(reply.data, wireOf(message));
      // Then idle: a reply all taken keeps nobody logged in.
      const record = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 5_000 });
      expect(record.endReason).toBe('autologout');
      const retr = record.replies().find((r) => r.bytes > message.length);
      expect(retr).toBeDefined();
      expect(retr?.wholeBytes).toBeUndefined(); // Recorded whole, not cut.
      client.destroy();
    },
    { autologoutMs: SLOW_PERIOD },
  );
});

// A client that stops reading is still logged out: limits.test.ts, '§8 a client that stops reading mid-RETR'.

test('§8 a large reply the client takes later than the period: the period starts again when the server has written it', async () => {
  const clock = new FakeClock();
  const message = bigMessage(8 * 1024 * 1024);
  await withMailbox(
    [message],
    async (pop3) => {
      const client = await login(pop3);
      client.socket.pause();
      const retr = client.multi('RETR 1');
      // The server writes what the kernel takes, then waits for the client to read.
      await new Promise((resolve) => setTimeout(resolve, 100));
      // No RETR reply recorded yet: it is still going out.
      expect(pop3.sessions[0]!.replies().filter((r) => r.bytes > message.length)).toEqual([]);
      clock.advance(600);
      client.socket.resume();
      expectSameBytes((await within(retr, 10_000, 'the message')).data, wireOf(message));
      clock.advance(900); // 1,500 ms after the RETR, 900 after the server wrote the last of its reply.
      expect(await client.command('NOOP')).toMatch(OK);
      clock.advance(PERIOD);
      expect((await within(client.readToEnd(), 5_000, 'logged out')).toString('latin1')).toBe('');
      expect((await pop3.sessionEnd()).endReason).toBe('autologout');
    },
    { clock, autologoutMs: PERIOD },
  );
});
