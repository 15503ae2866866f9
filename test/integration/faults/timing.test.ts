// Faults about time: delay, hang, stall and throttle. Timing is checked as
// lower bounds only; releases are driven by reset() and close(), never sleeps.

import { connection, on, type Pop3Event, startPop3Mock } from '../../../src';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  hostProcess,
  login,
  MESSAGES,
  observe,
  observeLoggedIn,
  PASSWORD,
  python,
  pythonRetrWithShortTimeout,
  RawClient,
  receivedLines,
  receivedText,
  retrData,
  since,
  sizeOf,
  USER,
  warmPython,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();
warmPython();

/** Node timers may fire up to a millisecond early against performance.now(). */
const SLACK_MS = 2;

const fullRetr = (raw: string) =>
  Buffer.concat([Buffer.from(`+OK ${sizeOf(raw)} octets\r\n`), retrData(raw)]);

describe('delay()', () => {
  test('§27 on the greeting: the greeting comes no sooner than the delay', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('greeting').delay(50);
      await pop3.use(rule);
      const start = performance.now();
      const client = await RawClient.connect(pop3.port);
      expect(since(start)).toBeGreaterThanOrEqual(50 - SLACK_MS);
      expect(client.greeting).toMatch(/^\+OK /);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      expectFault(pop3, await pop3.sessionEnd(), rule, 'delay');
    });
  });

  test('on a command: the command is recorded on arrival, the reply comes after the delay', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('NOOP').delay(50);
      await pop3.use(rule);
      const client = await login(pop3);
      const replies: Pop3Event[] = [];
      pop3.on('reply', (e) => replies.push(e));
      const start = performance.now();
      client.write('NOOP\r\n');
      const command = await pop3.waitForCommand('NOOP');
      // Resolved on arrival: no reply sent and none received yet.
      expect(replies).toEqual([]);
      expect(client.pending.length).toBe(0);
      expect(await client.readLine()).toMatch(/^\+OK/);
      expect(since(start)).toBeGreaterThanOrEqual(50 - SLACK_MS);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.at - command.at).toBeGreaterThanOrEqual(50 - SLACK_MS);
      expectFault(pop3, pop3.sessions[0]!, rule, 'delay');
      await client.command('QUIT');
    });
  });

  test.each([
    ['uniform [75, 125]', { uniform: [75, 125] as const }, 75],
    // sigma 0.05: even a draw 8 standard deviations low stays above 0.65 × median.
    ['lognormal median 100, sigma 0.05', { lognormal: { median: 100, sigma: 0.05 } }, 65],
  ])('random delay (%s) waits at least its lower bound', async (_, spec, atLeast) => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('STAT').delay(spec);
      await pop3.use(rule);
      const client = await login(pop3);
      const start = performance.now();
      expect(await client.command('STAT')).toMatch(/^\+OK 3 /);
      expect(since(start)).toBeGreaterThanOrEqual(atLeast - SLACK_MS);
      expectFault(pop3, pop3.sessions[0]!, rule, 'delay');
    });
  });

  test('reset() releases a pending delay: the reply goes out at once', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('NOOP').delay(60_000));
      const client = await login(pop3);
      client.write('NOOP\r\n');
      await pop3.waitForCommand('NOOP');
      await pop3.reset();
      expect(await client.readLine()).toMatch(/^\+OK/);
    });
  });
});

describe('hang()', () => {
  test('§27 Python poplib with a 0.3 s timeout raises TimeoutError on a hung PASS', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('PASS').hang();
      await pop3.use(rule);
      const start = performance.now();
      const py = await python(pop3.port, [
        ['user', USER],
        ['timeout', 0.3],
        ['pass_', PASSWORD],
      ]);
      expect(since(start)).toBeGreaterThanOrEqual(300 - SLACK_MS);
      expect(py[1]).toEqual({ ok: `+OK send PASS for ${USER}` });
      expect(py[3]).toEqual({ raised: 'TimeoutError', message: 'timed out' });
      const session = pop3.sessions[0]!;
      expect(session.commands()).toEqual([`USER ${USER}`, 'PASS ******']);
      expectFault(pop3, session, rule, 'hang');
    });
  });

  test('a client that gives up on a hung reply and closes ends the session (client-closed)', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('PASS').hang());
      const client = await RawClient.connect(pop3.port);
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      client.write(`PASS ${PASSWORD}\r\n`);
      await pop3.waitForCommand('PASS *');
      client.end();
      client.destroy();
      const session = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 1000 });
      expect(session.endReason).toBe('client-closed');
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    });
  });

  test('reset() releases a hang: the held reply then arrives', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('PASS').hang();
      await pop3.use(rule);
      const client = await RawClient.connect(pop3.port);
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      client.write(`PASS ${PASSWORD}\r\n`);
      await pop3.waitForCommand('PASS *');
      expectFault(pop3, pop3.sessions[0]!, rule, 'hang');
      expect(client.pending.length).toBe(0);
      await pop3.reset();
      expect(await client.readLine()).toMatch(/^\+OK .*\b3 messages/);
      // The rule is gone with reset(): the next PASS is not held.
      expect(pop3.rules()).toEqual([]);
      expect(await client.command('STAT')).toMatch(/^\+OK 3 /);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      await client.closed();
    });
  });

  test('close() resolves with a hung session and a pending delay, and leaves no active handles', async () => {
    // Sockets, servers and ref'd timers: what the mock could leave behind.
    const kinds = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TLSWrap', 'Timeout', 'Immediate']);
    const handles = () =>
      hostProcess
        .getActiveResourcesInfo()
        .filter((r) => kinds.has(r))
        .sort();
    await new Promise((resolve) => setImmediate(resolve));
    const before = handles();
    const pop3 = await startPop3Mock({
      users: { [USER]: { password: PASSWORD, messages: MESSAGES } },
      faults: [on('PASS').hang(), on('greeting').onConnection(2).delay(60_000)],
    });
    try {
      const hung = await RawClient.connect(pop3.port);
      expect(await hung.command(`USER ${USER}`)).toMatch(/^\+OK/);
      hung.write(`PASS ${PASSWORD}\r\n`);
      await pop3.waitForCommand('PASS *');
      const delayed = await observe(pop3.port);
      // The greeting's fault fires as the connection is accepted.
      const second = pop3.sessions[1] ?? (await pop3.nextSession());
      expect(second.faults.map((f) => f.action)).toEqual(['delay']);
      await pop3.close();
      await hung.closed();
      // The delayed greeting never went out.
      expect((await delayed.ended).bytes.length).toBe(0);
    } finally {
      await pop3.close();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(handles()).toEqual(before);
  });
});

describe('stall()', () => {
  test('§27 stall({ afterBytes: 10 }): 10 bytes, then nothing until a client timeout; reset() releases it', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('RETR').stall({ afterBytes: 10 });
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('RETR 1\r\n');
      await client.received(10);
      await new Promise((resolve) => client.socket.setTimeout(150, () => resolve(undefined)));
      client.socket.setTimeout(0);
      expect(client.bytes.equals(fullRetr(MESSAGES[0]!).subarray(0, 10))).toBe(true);
      expect(client.socket.destroyed).toBe(false);
      expectFault(pop3, pop3.sessions[0]!, rule, 'stall');
      await pop3.reset();
      const all = await client.received(fullRetr(MESSAGES[0]!).length);
      expect(all.equals(fullRetr(MESSAGES[0]!))).toBe(true);
      client.socket.destroy();
    });
  });

  test('Python poplib times out on a stalled RETR', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('RETR').stall({ afterBytes: 30 }));
      expect(await pythonRetrWithShortTimeout(pop3.port)).toEqual({
        raised: 'TimeoutError',
        message: 'timed out',
      });
    });
  });
});

describe('throttle()', () => {
  // A message of about 8 KB.
  const big = `Subject: big\n\n${'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'.repeat(126)}`;

  test('§27 connection().throttle(): the exact message, no faster than the rate', async () => {
    const rate = 80_000;
    await withMock(aliceAndBob({ messages: [big] }), async (pop3) => {
      const rule = connection().throttle({ bytesPerSecond: rate });
      await pop3.use(rule);
      const client = await RawClient.connect(pop3.port);
      client.write(`USER ${USER}\r\n`);
      // Fails fast if the first command is lost (see the next test).
      await pop3.waitForCommand(`USER ${USER}`, { includePast: true, timeoutMs: 1000 });
      expect(await client.readLine()).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
      const start = performance.now();
      const reply = await client.multi('RETR 1');
      const elapsed = since(start);
      expect(reply.data.equals(wireOf(big))).toBe(true);
      const bytes = fullRetr(big).length;
      // Each slice waits its time at the rate: no octet comes sooner than at the rate.
      expect(elapsed).toBeGreaterThanOrEqual((bytes / rate) * 1000 - SLACK_MS);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      expectFault(pop3, await pop3.sessionEnd(), rule, 'throttle');
    });
  });

  test('connection().throttle() slows the greeting too', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      // 200 B/s: slices of 20 octets, so the 21-octet greeting takes two slices, 105 ms.
      await pop3.use(connection().throttle({ bytesPerSecond: 200 }));
      const start = performance.now();
      const client = await RawClient.connect(pop3.port);
      expect(client.greeting).toBe('+OK pop3-mock ready');
      const greeting = client.greeting.length + 2;
      expect(since(start)).toBeGreaterThanOrEqual((greeting / 200) * 1000 - SLACK_MS);
      client.destroy();
    });
  });

  test('connection().throttle(): a command sent as soon as the throttled greeting arrives is answered', async () => {
    await withMock(aliceAndBob({ messages: [big] }), async (pop3) => {
      // 1000 B/s: the 21-octet greeting is one slice, after a 21 ms wait.
      await pop3.use(connection().throttle({ bytesPerSecond: 1000 }));
      const client = await RawClient.connect(pop3.port);
      client.write(`USER ${USER}\r\n`);
      await pop3.waitForCommand(`USER ${USER}`, { includePast: true, timeoutMs: 1000 });
      expect(await client.readLine()).toBe(`+OK send PASS for ${USER}`);
      client.destroy();

      const py = await python(pop3.port, [['user', USER], ['pass_', PASSWORD], ['stat']], 1);
      expect(py[1]).toEqual({ ok: `+OK send PASS for ${USER}` });
      expect(py[3]).toEqual({ ok: [1, sizeOf(big)] });
    });
  });

  test('on(RETR).throttle(): only that reply is slowed, byte-exact', async () => {
    const rate = 100_000;
    await withMock(aliceAndBob({ messages: [big] }), async (pop3) => {
      const rule = on('RETR').throttle({ bytesPerSecond: rate });
      await pop3.use(rule);
      const client = await login(pop3);
      const start = performance.now();
      const reply = await client.multi('RETR 1');
      const bytes = fullRetr(big).length;
      expect(since(start)).toBeGreaterThanOrEqual((bytes / rate) * 1000 - SLACK_MS);
      expect(reply.data.equals(wireOf(big))).toBe(true);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      const session = await pop3.sessionEnd();
      expect(session.faults.map((f) => f.action)).toEqual(['throttle']);
      expectFault(pop3, session, rule, 'throttle');
    });
  });
});

test('§27 on(LIST).throttle(): a one-line reply shorter than a slice is slowed too, no faster than the rate', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    await pop3.use(on('LIST').throttle({ bytesPerSecond: 1000 }));
    const client = await login(pop3);
    const start = performance.now();
    const reply = await client.command('LIST 1');
    const elapsed = since(start);
    expect(reply).toBe(`+OK 1 ${sizeOf(MESSAGES[0]!)}`);
    // Its octets at 1,000 per second: one per millisecond.
    expect(elapsed).toBeGreaterThanOrEqual(reply.length + 2 - SLACK_MS);
    await client.command('QUIT');
  });
});

test('§27 connection().throttle() slows replies to pipelined commands too, not only one at a time', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    // 400 B/s: slices of 40 octets, 100 ms apart. Replies corked together for the
    // pipelined NOOPs (120 octets: three slices) must still leave slice by slice, not as
    // one burst at the end.
    await pop3.use(connection().throttle({ bytesPerSecond: 400 }));
    const client = await observeLoggedIn(pop3.port);
    const arrivals: { at: number; bytes: number }[] = [];
    const count = 24;
    const done = new Promise<void>((resolve) => {
      let got = 0;
      client.socket.on('data', (chunk: Buffer) => {
        arrivals.push({ at: performance.now(), bytes: chunk.length });
        got += chunk.length;
        if (got >= count * '+OK\r\n'.length) resolve();
      });
    });
    client.socket.write('NOOP\r\n'.repeat(count));
    await done;
    const total = arrivals.reduce((sum, a) => sum + a.bytes, 0);
    expect(total).toBe(count * '+OK\r\n'.length);
    // The first slice leaves at once, each next one 100 ms later: at least two gaps between first and last.
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(
      Math.ceil((total - 40) / 40) * 100 - SLACK_MS,
    );
    expect(arrivals.length).toBeGreaterThan(1);
    client.socket.destroy();
  });
});

test('§27 a connection-wide throttle from the faults option goes on for a live session after reset()', async () => {
  const rate = 4000;
  // About 0.9 KB: three slices of up to 400 octets, 100 ms apart (at least 0.1 s; unthrottled it takes 1 ms).
  const body = `Subject: slow\n\n${'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'.repeat(12)}`;
  await withMock(
    aliceAndBob({ messages: [body], faults: [connection().throttle({ bytesPerSecond: rate })] }),
    async (pop3) => {
      const client = await login(pop3);
      await pop3.reset();
      const start = performance.now();
      const reply = await client.multi('RETR 1');
      const elapsed = since(start);
      expect(reply.data.equals(wireOf(body))).toBe(true);
      const bytes = reply.status.length + 2 + reply.wire.length + 3;
      expect(elapsed).toBeGreaterThanOrEqual(((bytes - rate / 10) / rate) * 1000 - SLACK_MS);
      await client.command('QUIT');
    },
  );
});

// FAULTS.md: a rule still shaping a live session after reset() counts as fired again, so
// pendingRules() does not list a rule at work and the restarted record says why replies are slow.
test.each([
  ['throttle', connection().throttle({ bytesPerSecond: 1_000_000 })],
  ['fragment', connection().fragment('bytes')],
])(
  '§27 after reset(), a faults-option %s still shaping a live session has fired in the restarted counts and record',
  async (type, rule) => {
    await withMock(aliceAndBob({ faults: [rule] }), async (pop3) => {
      const client = await login(pop3);
      await pop3.reset();
      expect(pop3.rules().map((r) => r.hits)).toEqual([1]);
      expect(pop3.pendingRules()).toEqual([]);
      const [restarted] = pop3.sessions;
      expect(restarted!.restartedAt).toBeDefined();
      expect(restarted!.faults.map((f) => [f.ruleId, f.action])).toEqual([[rule.id, type]]);
      // The session goes on shaped, and a new one fires the rule once more.
      expect(await client.command('NOOP')).toMatch(/^\+OK/);
      const other = await login(pop3, 'bob', 'hunter2');
      expect(pop3.rules().map((r) => r.hits)).toEqual([2]);
      await other.command('QUIT');
      await client.command('QUIT');
    });
  },
);

test('§27 after reset(), a use() throttle that shaped a live session is gone: not counted, not in the restarted record', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    await pop3.use(connection().throttle({ bytesPerSecond: 1_000_000 }));
    const client = await login(pop3);
    await pop3.reset();
    expect(pop3.rules()).toEqual([]);
    expect(pop3.sessions[0]!.faults).toEqual([]);
    await client.command('QUIT');
  });
});

// FAULTS.md: reset() releases a throttled reply and sends it in full; an option rule shapes what comes after.
test('reset() sends in full the reply a connection-wide throttle from the faults option holds', async () => {
  const line = 'x'.repeat(998);
  // 10 octets a second: the greeting would take 2 s, the NOOP reply 100 s (past the test's timeout, the bound).
  const faults = [on('NOOP').reply('+OK long', line), connection().throttle({ bytesPerSecond: 10 })];
  await withMock(aliceAndBob({ faults }), async (pop3) => {
    const client = await observe(pop3.port);
    await client.received(1);
    await pop3.reset();
    const greeting = await receivedLines(client, 1);
    expect(greeting.toString()).toBe('+OK pop3-mock ready\r\n');
    client.socket.write('NOOP\r\n');
    await client.received(greeting.length + 1);
    await pop3.reset();
    const reply = await receivedText(client, '\r\n.\r\n');
    expect(reply.subarray(greeting.length).toString()).toBe(`+OK long\r\n${line}\r\n.\r\n`);
    client.socket.destroy();
  });
});
