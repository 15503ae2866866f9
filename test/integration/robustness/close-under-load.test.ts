// close() under load: with 1,000 live sessions in every
// kind of state (streaming a large RETR to a client that does not read, held
// by hang faults, inside a TLS handshake, inside a SASL exchange, idle before
// and after login), close() resolves, every session is recorded as ended by
// the server, and no socket, server or timer is left in the process. How
// long it takes is measured by test/fuzz/measure-close.mjs (speed is for
// benchmarks, not for assertions). Repeated start/close cycles leave the
// handle counts where they started.
import type { Socket } from 'node:net';
import {
  on,
  type Pop3Event,
  type Pop3Mock,
  rfcDialect,
  startPop3Mock,
  WaitCancelledError,
} from '../../../src';
import { bigMessage, OK, PASSWORD, THREE, USER } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { expectHandlesBackTo, handles, oneGc, trackingClock, watchHost, whenClosed } from './support';

const watch = watchHost();
afterAll(() => watch.stop());

const SESSIONS = 1_000;
const TWO_MB = 2 * 1024 * 1024;

/** Runs `make` for 0..n-1, `width` at a time. */
async function inBatches<T>(n: number, width: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += width) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => make(i + j)))));
  }
  return out;
}

/** Waits until `count` events of `type` have been seen by `counter`. */
function countEvents(pop3: Pop3Mock, matches: (e: Pop3Event) => boolean) {
  let seen = 0;
  let wake: (() => void) | undefined;
  pop3.on('*', (e) => {
    if (!matches(e)) return;
    seen++;
    wake?.();
  });
  return async (count: number) => {
    while (seen < count) await new Promise<void>((resolve) => (wake = resolve));
  };
}

test('close() with 1,000 live sessions in every state resolves, ends them all and leaves no handle', async () => {
  const baseline = handles();
  const timers = trackingClock();
  const pop3 = await startPop3Mock({
    clock: timers.clock,
    users: { [USER]: { password: PASSWORD, messages: [...THREE, bigMessage(TWO_MB, true)] } },
    lock: 'none',
  });
  const sockets: Socket[] = [];
  try {
    await pop3.use(on('NOOP').hang());
    const faults = countEvents(pop3, (e) => e.type === 'fault');
    const challenges = countEvents(pop3, (e) => e.type === 'reply' && e.status === '+');
    const upgrades = countEvents(
      pop3,
      (e) => e.type === 'reply' && e.line === `+OK ${rfcDialect.texts.stlsBegin}`,
    );

    const plan = { retr: 50, hang: 100, tls: 50, sasl: 50 };
    let firstChunks = 0;
    const clients = await inBatches(SESSIONS, 250, async (i) => {
      const client = await RawClient.connect(pop3.port);
      sockets.push(client.socket);
      if (i < plan.retr) {
        client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\nRETR 4\r\n`);
        // Take the first bytes of the message, then stop reading: the server's writes back up.
        await new Promise<void>((resolve) => {
          const onData = () => {
            if (client.pending.length < 64 * 1024) return;
            client.socket.off('data', onData);
            client.socket.pause();
            firstChunks++;
            resolve();
          };
          client.socket.on('data', onData);
        });
      } else if (i < plan.retr + plan.hang) {
        client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\nNOOP\r\n`);
      } else if (i < plan.retr + plan.hang + plan.tls) {
        client.write('STLS\r\n');
      } else if (i < plan.retr + plan.hang + plan.tls + plan.sasl) {
        client.write('AUTH LOGIN\r\n');
      } else if (i % 2 === 0) {
        expect(await client.command(`USER ${USER}`)).toMatch(OK);
        expect(await client.command(`PASS ${PASSWORD}`)).toMatch(OK);
      }
      return client;
    });
    await faults(plan.hang);
    await challenges(plan.sasl);
    await upgrades(plan.tls);
    expect(firstChunks).toBe(plan.retr);
    expect(pop3.sessions.filter((s) => !s.ended)).toHaveLength(SESSIONS);

    // Every client that still reads sees the server close (those that stopped reading never would).
    const closing = Promise.all(clients.slice(plan.retr).map((c) => whenClosed(c.socket)));
    await pop3.close();
    await closing;
    for (const c of clients.slice(0, plan.retr)) c.socket.destroy();

    expect(pop3.sessions).toHaveLength(SESSIONS);
    const reasons = new Set(pop3.sessions.map((s) => s.endReason));
    expect([...reasons]).toEqual(['server-closed']);
    expect(pop3.mailbox(USER).messages()).toHaveLength(4);
    expect(clients.slice(plan.retr).every((c) => c.isClosed)).toBe(true);
    // Every autologout timer was cancelled.
    expect(timers.pending()).toBe(0);
  } finally {
    await pop3.close();
    for (const s of sockets) s.destroy();
  }
  await expectHandlesBackTo(baseline);
  await watch.assertClean();
});

test('300 start/close cycles, each with a logged-in client mid-command, leave the handle counts unchanged', async () => {
  const baseline = handles();
  const timers = trackingClock();
  for (let i = 0; i < 300; i++) {
    const pop3 = await startPop3Mock({
      clock: timers.clock,
      users: { [USER]: { password: PASSWORD, messages: [...THREE] } },
    });
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    client.write('RETR'); // half a command
    await pop3.close();
    await client.closed();
    expect(pop3.sessions[0]!.endReason).toBe('server-closed');
  }
  expect(timers.pending()).toBe(0);
  await expectHandlesBackTo(baseline);
  await watch.assertClean();
});

test('a closed mock is garbage at once: its closed server (which Node frees only in a later full GC) does not keep it', async () => {
  // A suite starts and closes a mock per test. Kept until the server's handle
  // is finalized, each closed mock (users, messages, transcripts) outlived
  // every young-generation GC and was copied into the old generation first.
  const CYCLES = 20;
  const refs: WeakRef<Pop3Mock>[] = [];
  // In a function of its own: no variable of this test's holds the last mock.
  const startAndClose = async () => {
    const pop3 = await startPop3Mock({ users: { [USER]: { password: PASSWORD, messages: THREE } } });
    await pop3.close();
    return new WeakRef(pop3);
  };
  for (let i = 0; i < CYCLES; i++) refs.push(await startAndClose());
  // A new turn: a WeakRef holds its target until the end of the job that made it.
  await new Promise((resolve) => setImmediate(resolve));
  oneGc();
  expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
});

test('close() called twice at once: the second resolves only when the first does, with every session ended', async () => {
  const pop3 = await startPop3Mock({ users: { [USER]: { password: PASSWORD, messages: THREE } } });
  await Promise.all([RawClient.login(pop3.port, USER, PASSWORD), RawClient.connect(pop3.port)]);
  const first = pop3.close();
  await pop3.close();
  // Both sessions were destroyed by the first call; the second waited for their ends to be recorded.
  expect(pop3.sessions.map((s) => s.endReason)).toEqual(['server-closed', 'server-closed']);
  await first;
  await pop3.close();
});

test('a part that fails to close: the rest closes, waits are cancelled, close() rejects, a later close() tries again', async () => {
  const pop3 = await startPop3Mock({
    control: true,
    users: { [USER]: { password: PASSWORD, messages: THREE } },
  });
  // No user can make the control server's close fail; this reaches the attached part to make it.
  const control = (pop3 as unknown as { attached: { control: { close(): Promise<void> } } }).attached.control;
  const realClose = control.close.bind(control);
  control.close = () => Promise.reject(new Error('control close failed'));
  const waiting = pop3.nextSession({ timeoutMs: 60_000 });
  await RawClient.login(pop3.port, USER, PASSWORD);
  await waiting;
  const pending = pop3.waitForCommand('RETR *', { timeoutMs: 60_000 });
  await expect(pop3.close()).rejects.toThrow('control close failed');
  await expect(pending).rejects.toBeInstanceOf(WaitCancelledError);
  expect(pop3.sessions[0]!.endReason).toBe('server-closed');
  control.close = realClose;
  await expect(pop3.close()).resolves.toBeUndefined();
});
