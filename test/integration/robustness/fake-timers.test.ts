// A test's fake timers (jest.useFakeTimers(), vi.useFakeTimers()) fake its
// Date and timers; the mock keeps real time (node:perf_hooks, node:timers),
// so it neither freezes nor lets a slow client through. Before, its clock
// was Date.now(): frozen, and autologout never came.
// The real clock: the test's own performance is faked with its timers.
import { performance } from 'node:perf_hooks';
import { connectPop3Mock, on, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';

afterEach(() => jest.useRealTimers());

test('§8 under jest.useFakeTimers(), autologout ends an idle session and a delay fault answers, on real time', async () => {
  const pop3 = await startPop3Mock({
    autologoutMs: 300,
    control: true,
    users: { alice: { password: 'pw', messages: ['Subject: x\r\n\r\nbody\r\n'] } },
  });
  const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  try {
    const early = await RawClient.login(pop3.port, 'alice', 'pw');
    expect(await early.command('STAT')).toMatch(/^\+OK 1 /);
    early.destroy();
    await pop3.sessionEnd();
    jest.useFakeTimers();
    const started = performance.now();
    await pop3.use(on('NOOP').delay(100));
    const client = await RawClient.login(pop3.port, 'alice', 'pw');
    // The STAT answered before the fake timers is no STAT after this call, also remotely (its time is real too).
    const stat = remote.waitForCommand('STAT', { timeoutMs: 400 }).catch((error: unknown) => error);
    expect(await client.command('NOOP')).toMatch(/^\+OK/);
    const ended = await pop3.sessionEnd(undefined, { timeoutMs: 5000 });
    expect(ended.endReason).toBe('autologout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(await stat).toMatchObject({ name: 'WaitTimeoutError' });
  } finally {
    jest.useRealTimers();
    await remote.close();
    await pop3.close();
  }
});
