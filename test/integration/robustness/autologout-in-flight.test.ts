// Checklist §8, autologout and replies in flight: the period counts from the
// last command (RFC 1939 §3), but a reply a fault holds is the server's doing,
// and one the client is still reading is activity (Dovecot counts output
// progress too). Neither may be cut; a client that stops reading still is.
import { on } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import { bigMessage, expectSameBytes, login, OK, THREE, wireOf, withMailbox } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
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
 * Lets the client read `octets` more (or to the end of `reading`), then
 * pauses it again: the client's own reader takes the bytes.
 */
function readSome(client: RawClient, octets: number, reading: Promise<unknown>): Promise<void> {
  const socket = client.socket;
  return new Promise((resolve) => {
    let read = 0;
    const stop = () => {
      socket.pause();
      socket.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read >= octets) stop();
    };
    socket.on('data', onData);
    void reading.then(stop, stop);
    socket.resume();
  });
}

test('§8 a client reading a large reply slowly, for longer than the period, gets all of it; the session ends after it', async () => {
  const clock = new FakeClock();
  const message = bigMessage(8 * 1024 * 1024);
  await withMailbox(
    [message],
    async (pop3) => {
      const client = await login(pop3);
      client.socket.pause();
      const retr = client.multi('RETR 1');
      let done = false;
      const end = () => {
        done = true;
      };
      void retr.then(end, end);
      // What the kernel buffers (a few MB on loopback) no server sees being
      // read. Of the rest the server sees progress when the kernel lets it
      // write again, after some 1.4 MB read here: a MiB per 250 ms is well
      // inside the period.
      let elapsed = 0;
      while (!done) {
        clock.advance(250);
        elapsed += 250;
        await within(readSome(client, 1024 * 1024, retr), 5_000, 'a MiB more');
      }
      expect(elapsed).toBeGreaterThan(PERIOD); // It did outlast the period.
      const reply = await retr;
      expect(reply.status).toMatch(OK);
      expectSameBytes(reply.data, wireOf(message));
      // Then idle: a reply all taken keeps nobody logged in.
      clock.advance(PERIOD);
      expect((await within(client.readToEnd(), 5_000, 'logged out')).toString('latin1')).toBe('');
      const record = await pop3.sessionEnd();
      expect(record.endReason).toBe('autologout');
      const sent = record.replies().find((r) => r.bytes > message.length);
      expect(sent).toBeDefined();
      expect(sent?.wholeBytes).toBeUndefined(); // Recorded whole, not cut.
    },
    { clock, autologoutMs: PERIOD },
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

test('§8 a throttled reply to a client that stopped reading: logged out once its output backs up, the fault holding more or not', async () => {
  const clock = new FakeClock();
  await withMailbox(
    [bigMessage(16 * 1024 * 1024)],
    async (pop3) => {
      const client = await login(pop3);
      await pop3.use(on('RETR').throttle({ bytesPerSecond: 10_000_000 }));
      client.socket.pause(); // Never reads again.
      client.write('RETR 1\r\n');
      // A MiB a tenth of a second: the kernel's buffers fill within a second, then the output waits.
      for (let step = 0; step < 100 && pop3.sessions[0]!.endReason === undefined; step++) {
        clock.advance(100);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(pop3.sessions[0]!.endReason).toBe('autologout');
      expect(pop3.transcript()).toContain('-- reply cut');
      client.destroy();
    },
    { clock, autologoutMs: PERIOD },
  );
});
