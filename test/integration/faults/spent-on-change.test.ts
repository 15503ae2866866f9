// §27 A bug mode or a stall counts (and `once()` is spent) only on a reply it
// really changes: an -ERR, a one-line reply to `noTerminator()`, a message
// with no line to stuff, a reply shorter than a stall's octets go out as
// usual, record no fault, and leave the rule pending for the reply it is for.

import { type BuiltRule, on, type Pop3Mock } from '../../../src';
import {
  aliceAndBob,
  failOnHostErrors,
  login,
  MESSAGES,
  observeLoggedIn,
  PASSWORD,
  RawClient,
  receivedLines,
  sizeOf,
  USER,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();

/** The rule is stored, has not fired, and no session recorded a fault of it. */
function expectUnspent(pop3: Pop3Mock, rule: BuiltRule): void {
  expect(pop3.pendingRules().map((r) => r.id)).toContain(rule.id);
  expect(pop3.rules().find((s) => s.rule.id === rule.id)?.hits).toBe(0);
  expect(pop3.sessions.flatMap((s) => s.faults.map((f) => f.ruleId))).not.toContain(rule.id);
}

/** The rule fired once, and the transcript says so. */
function expectSpent(pop3: Pop3Mock, rule: BuiltRule): void {
  expect(pop3.pendingRules().map((r) => r.id)).not.toContain(rule.id);
  expect(pop3.rules().find((s) => s.rule.id === rule.id)?.hits).toBe(1);
  expect(pop3.transcript()).toContain(`-- fault ${rule.id}: ${rule.explain()}`);
}

test('§27 noTerminator() on "*": LIST 1 and an -ERR to RETR leave it unspent; the first multi-line reply loses its "."', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const rule = on('*').once().noTerminator();
    await pop3.use(rule);
    const client = await login(pop3);
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${sizeOf(MESSAGES[0]!)}`);
    expect(await client.command('RETR 9')).toMatch(/^-ERR /);
    expectUnspent(pop3, rule);
    // The whole listing but its terminator, then nothing: the next reply (NOOP's) follows at once.
    client.write('LIST\r\nNOOP\r\n');
    const listing = MESSAGES.map((m, i) => `${i + 1} ${sizeOf(m)}\r\n`).join('');
    expect(await client.readLine()).toMatch(/^\+OK /);
    for (const line of listing.split('\r\n').slice(0, -1)) expect(await client.readLine()).toBe(line);
    expect(await client.readLine()).toMatch(/^\+OK/);
    expectSpent(pop3, rule);
    // Spent: the next listing is whole.
    expect((await client.multi('LIST')).data.toString()).toBe(listing);
    await client.command('QUIT');
  });
});

test('§27 uidlBug() before login (-ERR) and sizeSkew() on LIST 9 (-ERR) stay pending; the first real UIDL / LIST is bent', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const uidl = on('UIDL').once().uidlBug('too-long');
    const skew = on('LIST').once().sizeSkew(5);
    await pop3.use(uidl, skew);
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('UIDL')).toMatch(/^-ERR /);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('LIST 9')).toMatch(/^-ERR /);
    expectUnspent(pop3, uidl);
    expectUnspent(pop3, skew);
    expect(await client.command('LIST 2')).toBe(`+OK 2 ${sizeOf(MESSAGES[1]!) + 5}`);
    const uids = (await client.multi('UIDL')).data.toString().split('\r\n').slice(0, -1);
    expect(uids.map((line) => line.split(' ')[1]!.length)).toEqual(MESSAGES.map(() => 80));
    expectSpent(pop3, uidl);
    expectSpent(pop3, skew);
    await client.command('QUIT');
  });
});

test('§27 noDotStuffing(): a message with no line starting with "." leaves it pending; the one with a lone "." spends it', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const rule = on('RETR').once().noDotStuffing();
    await pop3.use(rule);
    const client = await login(pop3);
    // Messages 1 and 3 have no line to stuff: the same bytes either way.
    expect((await client.multi('RETR 1')).data.toString('latin1')).toContain('first body');
    expect((await client.multi('RETR 3')).data.toString('latin1')).toContain('third line 3');
    expect(await client.command('RETR 9')).toMatch(/^-ERR /);
    expectUnspent(pop3, rule);
    // Message 2's lone "." now ends the reply early.
    const early = await client.multi('RETR 2');
    expect(early.data.toString('latin1')).toBe(
      'From: b@example.com\r\nTo: alice@example.com\r\nSubject: two\r\n\r\nbefore\r\n',
    );
    expectSpent(pop3, rule);
    client.destroy();
  });
});

test('§27 stall({ afterBytes }) on a reply no longer than its octets sends it whole and stays pending; a longer one stalls', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const afterBytes = 40;
    const rule = on(['STAT', 'LIST', 'RETR']).once().stall({ afterBytes });
    await pop3.use(rule);
    const client = await observeLoggedIn(pop3.port);
    // STAT's and LIST 1's replies are shorter than 40 octets.
    client.socket.write('STAT\r\nLIST 1\r\n');
    const short = await receivedLines(client, 2);
    expect(short.toString('latin1')).toBe(
      `+OK 3 ${MESSAGES.reduce((n, m) => n + sizeOf(m), 0)}\r\n+OK 1 ${sizeOf(MESSAGES[0]!)}\r\n`,
    );
    expectUnspent(pop3, rule);
    client.chunks.length = 0;
    const fault = pop3.waitFor((e) => e.type === 'fault' && e.ruleId === rule.id);
    client.socket.write('RETR 1\r\n');
    // RETR 1's reply is longer: its first 40 octets, then nothing until the rule goes
    // (unstalled, the whole reply leaves in one write).
    expect((await client.received(afterBytes)).length).toBe(afterBytes);
    await fault;
    expectSpent(pop3, rule);
    expect(pop3.removeRule(rule.id)).toBe(true);
    const whole = `+OK ${sizeOf(MESSAGES[0]!)} octets\r\n${wireOf(MESSAGES[0]!).toString('latin1')}.\r\n`;
    expect((await client.received(whole.length)).toString('latin1')).toBe(whole);
    client.socket.destroy();
  });
});

test('§27 a reply the mode does not change frees the rule at once: another session gets it while that reply is still being written', async () => {
  // 20 MB with no line starting with ".": noDotStuffing() changes nothing, and a client that
  // does not read holds the write (more than the socket buffers take) for as long as it likes.
  const big = `Subject: big\r\n\r\n${'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n'.repeat(300_000)}`;
  await withMock(aliceAndBob({ messages: [big, MESSAGES[1]!], lock: 'none' }), async (pop3) => {
    const rule = on('RETR').once().noDotStuffing();
    await pop3.use(rule);
    const stuck = await login(pop3);
    stuck.write('RETR 1\r\n');
    await pop3.waitForCommand('RETR 1', { includePast: true });
    // The big reply is still being written: the rule is free again.
    expectUnspent(pop3, rule);
    const other = await login(pop3);
    const early = await other.multi('RETR 2');
    expect(early.data.toString('latin1')).toBe(
      'From: b@example.com\r\nTo: alice@example.com\r\nSubject: two\r\n\r\nbefore\r\n',
    );
    expectSpent(pop3, rule);
    other.destroy();
    stuck.destroy();
  });
});
