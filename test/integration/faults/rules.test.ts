// When rules fire: nth (per server, per session), once/times/always, forUser,
// onConnection, inState, argument matching, on('*'), precedence, reset(),
// seeded probability, and the rule API (rules, pendingRules, removeRule,
// explain, JSON round trip).

import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connection,
  connectPop3Mock,
  type FaultRule,
  InputError,
  on,
  type Pop3Mock,
  startPop3Mock,
} from '../../../src';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  login,
  MESSAGES,
  PASSWORD,
  RawClient,
  USER,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();

/** Sends each command on a logged-in connection; returns the first line of each reply. */
async function run(pop3: Pop3Mock, commands: string[], user = USER, password = PASSWORD): Promise<string[]> {
  const client = await RawClient.login(pop3.port, user, password);
  const out: string[] = [];
  for (const c of commands) out.push(await client.command(c));
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
  return out;
}

const OK = '+OK';
const short = (lines: string[]) => lines.map((l) => (l.startsWith('+OK') ? OK : l));

describe('nth, once, times, always', () => {
  test('nth(2) counts across the server: the 2nd NOOP of all sessions', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('NOOP').nth(2).reply('-ERR second');
      await pop3.use(rule);
      expect(short(await run(pop3, ['NOOP']))).toEqual([OK]);
      expect(short(await run(pop3, ['NOOP', 'NOOP']))).toEqual(['-ERR second', OK]);
      expect(short(await run(pop3, ['NOOP', 'NOOP']))).toEqual([OK, OK]);
      expect(pop3.sessions.map((s) => s.faults.length)).toEqual([0, 1, 0]);
      expectFault(pop3, pop3.sessions[1]!, rule, 'reply');
    });
  });

  test('nth(2).perSession(): the 2nd NOOP of every session', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('NOOP').nth(2).perSession().reply('-ERR second'));
      expect(short(await run(pop3, ['NOOP', 'NOOP', 'NOOP']))).toEqual([OK, '-ERR second', OK]);
      expect(short(await run(pop3, ['NOOP', 'NOOP']))).toEqual([OK, '-ERR second']);
      expect(pop3.rules()[0]!.hits).toBe(2);
    });
  });

  test.each([
    ['once()', on('NOOP').once(), 1],
    ['times(2)', on('NOOP').times(2), 2],
    ['always() (the default)', on('NOOP'), 4],
    ['once().always()', on('NOOP').once().always(), 4],
  ])('%s', async (_, builder, fired) => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(builder.reply('-ERR no'));
      const replies = short(await run(pop3, ['NOOP', 'NOOP', 'NOOP', 'NOOP']));
      expect(replies).toEqual(
        ['-ERR no', '-ERR no', '-ERR no', '-ERR no'].map((r, i) => (i < fired ? r : OK)),
      );
      expect(pop3.rules()[0]!.hits).toBe(fired);
    });
  });
});

describe('scope: forUser, onConnection, inState, arguments, on(*)', () => {
  test('forUser(): only that user, matched on the USER name before login too', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(
        on('STAT').forUser('bob').reply('-ERR not for bob'),
        on('PASS').forUser('carol').inUse(),
      );
      expect(short(await run(pop3, ['STAT']))).toEqual([OK]);
      expect(await run(pop3, ['STAT'], 'bob', 'hunter2')).toEqual(['-ERR not for bob']);
      const carol = await RawClient.connect(pop3.port);
      expect(await carol.command('USER carol')).toMatch(/^\+OK/);
      expect(await carol.command('PASS x')).toBe('-ERR [IN-USE] maildrop already locked');
      carol.destroy();
    });
  });

  // The name USER and APOP give is the user of that very line, not of the next one.
  test.each(['rfc', 'greenmail'] as const)(
    "forUser() on USER, APOP and AUTH: the user that line names (dialect '%s')",
    async (dialect) => {
      await withMock(aliceAndBob({ dialect, apop: true }), async (pop3) => {
        const authOfAlice = on('AUTH').forUser(USER).reply('-ERR not for alice');
        await pop3.use(
          authOfAlice,
          on('USER').forUser('bob').reply('-ERR no bob'),
          on('APOP').forUser(USER).reply('-ERR no APOP for alice'),
        );
        const client = await RawClient.connect(pop3.port);
        expect(await client.command('USER bob')).toBe('-ERR no bob');
        expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
        // AUTH names its user after its line: bob's, here, though USER named alice before it.
        expect(await client.command('AUTH PLAIN')).toMatch(/^\+ ?$/);
        expect(await client.command(Buffer.from('\0bob\0hunter2').toString('base64'))).toMatch(/^\+OK/);
        client.destroy();
        const apop = await RawClient.connect(pop3.port);
        const stamp = /<[^>]+>/.exec(apop.greeting)?.[0];
        const digest = createHash('md5').update(`${stamp}${PASSWORD}`).digest('hex');
        expect(await apop.command(`APOP ${USER} ${digest}`)).toBe('-ERR no APOP for alice');
        apop.destroy();
        expect(pop3.pendingRules()).toEqual([authOfAlice]);
        expect(pop3.rules().map((s) => s.hits)).toEqual([0, 1, 1]);
      });
    },
  );

  test('onConnection(2): only the second connection', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('NOOP').onConnection(2).reply('-ERR conn 2'));
      expect(short(await run(pop3, ['NOOP']))).toEqual([OK]);
      expect(await run(pop3, ['NOOP', 'NOOP'])).toEqual(['-ERR conn 2', '-ERR conn 2']);
      expect(short(await run(pop3, ['NOOP']))).toEqual([OK]);
    });
  });

  // A server shared by tests is reset between them: each test's first connection is its connection 1.
  test('onConnection(1) counts from the last reset(), for use() and option rules', async () => {
    const fromOptions = on('NOOP').onConnection(1).reply('-ERR options conn 1');
    await withMock(aliceAndBob({ faults: [fromOptions] }), async (pop3) => {
      expect(await run(pop3, ['NOOP'])).toEqual(['-ERR options conn 1']);
      await pop3.reset();
      const added = on('STAT').onConnection(1).reply('-ERR conn 1');
      await pop3.use(added);
      expect(await run(pop3, ['STAT', 'NOOP'])).toEqual(['-ERR conn 1', '-ERR options conn 1']);
      expect(short(await run(pop3, ['STAT', 'NOOP']))).toEqual([OK, OK]);
      expect(pop3.pendingRules()).toEqual([]);
    });
  });

  test('inState(): QUIT refused in AUTHORIZATION only', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('QUIT').inState('AUTHORIZATION').reply('-ERR not yet'));
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('QUIT')).toBe('-ERR not yet');
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      await client.closed();
      // An InputError naming what was expected, as every door's (it was a plain Error).
      for (const rule of [on('greeting'), on('connect'), connection()]) {
        expect(() => rule.inState('TRANSACTION')).toThrow(
          expect.objectContaining({
            name: 'InputError',
            message: expect.stringMatching(/^inState\(\): state: expected a rule on a command: /),
          }),
        );
      }
    });
  });

  test("arguments: on('RETR', '3') exact, '*' for any one argument, arity must match", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('RETR', '3').reply('-ERR three'), on('top', '*', '0').reply('-ERR no headers'));
      const client = await login(pop3);
      expect((await client.multi('RETR 1')).status).toMatch(/^\+OK/);
      expect(await client.command('RETR 3')).toBe('-ERR three');
      expect(await client.command('retr 3')).toBe('-ERR three');
      expect(await client.command('TOP 1 0')).toBe('-ERR no headers');
      expect(await client.command('TOP 2 0')).toBe('-ERR no headers');
      expect((await client.multi('TOP 2 1')).status).toMatch(/^\+OK/);
      // One argument is not "any one argument, then 0".
      expect(await client.command('TOP 2')).not.toBe('-ERR no headers');
      client.destroy();
    });
  });

  test("on('*') and on([...]): any command, unknown ones included; a list of verbs", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(
        on('*').onConnection(2).reply('-ERR anything'),
        on(['LIST', 'UIDL']).reply('-ERR lists'),
      );
      const client = await login(pop3);
      expect(await client.command('LIST')).toBe('-ERR lists');
      expect(await client.command('UIDL 1')).toBe('-ERR lists');
      expect(await client.command('STAT')).toMatch(/^\+OK/);
      client.destroy();
      const second = await RawClient.connect(pop3.port);
      expect(await second.command('XYZZY')).toBe('-ERR anything');
      expect(await second.command('USER x')).toBe('-ERR anything');
      second.destroy();
    });
  });
});

describe('precedence and reset()', () => {
  // As FAULTS.md says: a bug mode wins the command before it knows whether it bends the reply.
  test('a bug mode that changes nothing shadows the rules after it; pendingRules() lists both', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const busy = on('RETR').reply('-ERR busy');
      const unstuffed = on('RETR').noDotStuffing();
      await pop3.use(busy);
      await pop3.use(unstuffed);
      const client = await login(pop3);
      expect((await client.multi('RETR 1')).status).toMatch(/^\+OK/);
      client.destroy();
      expect(pop3.pendingRules().map((r) => r.id)).toEqual([unstuffed.id, busy.id]);
    });
  });

  test('the newest use() rule wins; run-time rules before option rules; removeRule() uncovers the next', async () => {
    const fromOptions = on('NOOP').reply('-ERR options');
    await withMock(aliceAndBob({ faults: [fromOptions] }), async (pop3) => {
      const older = on('NOOP').reply('-ERR older');
      const newer = on('NOOP').reply('-ERR newer');
      await pop3.use(older);
      await pop3.use(newer);
      expect(pop3.rules().map((r) => [r.rule.id, r.source])).toEqual([
        [newer.id, 'runtime'],
        [older.id, 'runtime'],
        [fromOptions.id, 'options'],
      ]);
      expect(await run(pop3, ['NOOP'])).toEqual(['-ERR newer']);
      expect(pop3.removeRule(newer.id)).toBe(true);
      expect(pop3.removeRule(newer.id)).toBe(false);
      expect(await run(pop3, ['NOOP'])).toEqual(['-ERR older']);
      await pop3.reset();
      expect(await run(pop3, ['NOOP'])).toEqual(['-ERR options']);
    });
  });

  test("within one use() call, a faults list or a faults file, the first rule listed wins (as msw's use(a, b))", async () => {
    const file = join(tmpdir(), `pop3-mock-rule-order-${process.pid}.json`);
    const specificFirst = () => [on('NOOP', '1').reply('-ERR specific'), on('NOOP', '*').reply('-ERR any')];
    writeFileSync(file, JSON.stringify(specificFirst()));
    try {
      for (const options of [{ faults: specificFirst() }, { faults: file }]) {
        await withMock(aliceAndBob(options), async (pop3) => {
          expect(await run(pop3, ['NOOP 1', 'NOOP 2'])).toEqual(['-ERR specific', '-ERR any']);
        });
      }
      await withMock(aliceAndBob(), async (pop3) => {
        const [specific, any] = specificFirst();
        await pop3.use(specific!, any!);
        expect(pop3.rules().map((r) => r.rule.id)).toEqual([specific!.id, any!.id]);
        expect(await run(pop3, ['NOOP 1', 'NOOP 2'])).toEqual(['-ERR specific', '-ERR any']);
        // A later call still comes before both.
        await pop3.use(on('NOOP', '*').reply('-ERR newest'));
        expect(await run(pop3, ['NOOP 1'])).toEqual(['-ERR newest']);
      });
    } finally {
      rmSync(file, { force: true });
    }
  });

  test("an on('*') rule is checked in its place among rules on one verb: counted by every command, it fires where it comes first", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const older = on('NOOP').reply('-ERR noop');
      const star = on('*').nth(5).reply('-ERR fifth command');
      const newest = on('STAT').nth(2).reply('-ERR second STAT');
      await pop3.use(older);
      await pop3.use(star);
      await pop3.use(newest);
      // Star counts USER and PASS too. NOOP: star (checked first) counts 3, noop fires. STAT: newest
      // counts 1, star 4. NOOP: star's 5th fires before noop. STAT: newest's 2nd fires first (star
      // counts 6). LIST 1: star counts 7, nothing fires.
      expect(short(await run(pop3, ['NOOP', 'STAT', 'NOOP', 'STAT', 'LIST 1']))).toEqual([
        '-ERR noop',
        OK,
        '-ERR fifth command',
        '-ERR second STAT',
        OK,
      ]);
      expect(pop3.rules().map((r) => [r.rule.id, r.hits])).toEqual([
        [newest.id, 1],
        [star.id, 1],
        [older.id, 1],
      ]);
    });
  });

  test('reset() removes use() rules, keeps option rules and restarts their counts', async () => {
    const fromOptions = on('NOOP').nth(2).reply('-ERR second');
    await withMock(aliceAndBob({ faults: [fromOptions] }), async (pop3) => {
      await pop3.use(on('STAT').reply('-ERR runtime'));
      expect(short(await run(pop3, ['STAT', 'NOOP', 'NOOP']))).toEqual(['-ERR runtime', OK, '-ERR second']);
      expect(pop3.rules().map((r) => r.hits)).toEqual([1, 1]);
      await pop3.reset();
      expect(pop3.rules().map((r) => [r.rule.id, r.hits])).toEqual([[fromOptions.id, 0]]);
      expect(pop3.pendingRules().map((r) => r.id)).toEqual([fromOptions.id]);
      // Counting starts again: the 2nd NOOP after the reset.
      expect(short(await run(pop3, ['STAT', 'NOOP', 'NOOP']))).toEqual([OK, OK, '-ERR second']);
    });
  });
});

describe('seeded probability', () => {
  /** Which of 40 pipelined NOOPs a `probability(0.5)` rule hit, on a fresh server with this seed. */
  async function pattern(seed: number): Promise<string> {
    const pop3 = await startPop3Mock({
      users: { [USER]: { password: PASSWORD, messages: MESSAGES } },
      seed,
      faults: [on('NOOP').probability(0.5).reply('-ERR unlucky')],
    });
    try {
      const client = await login(pop3);
      client.write('NOOP\r\n'.repeat(40));
      let out = '';
      for (let i = 0; i < 40; i++) out += (await client.readLine()) === '-ERR unlucky' ? 'x' : '.';
      expect(pop3.rules()[0]!.hits).toBe(out.split('x').length - 1);
      client.destroy();
      return out;
    } finally {
      await pop3.close();
    }
  }

  test('the same seed replays the same sequence on another server; another seed does not', async () => {
    const a = await pattern(1234);
    const b = await pattern(1234);
    const c = await pattern(1235);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(a).toContain('x');
    expect(a).toContain('.');
  });
});

describe('the rule API', () => {
  test('pendingRules() lists the rules that never fired; rules() counts hits', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const fires = on('NOOP').times(2).reply('-ERR no');
      const never = on('RETR', '99').reply('-ERR never');
      await pop3.use(fires, never);
      expect(pop3.pendingRules().map((r) => r.id)).toEqual([fires.id, never.id]);
      await run(pop3, ['NOOP', 'NOOP', 'NOOP']);
      expect(pop3.pendingRules().map((r) => r.id)).toEqual([never.id]);
      expect(pop3.rules().map((r) => [r.rule.id, r.hits])).toEqual([
        [fires.id, 2],
        [never.id, 0],
      ]);
      expect(pop3.pendingRules()[0]!.explain()).toBe('on every RETR 99: reply "-ERR never"');
    });
  });

  test.each([
    ['on the 2nd RETR (per server): reply "-ERR busy"', on('RETR').nth(2).reply('-ERR busy')],
    [
      'on every RETR 3 once: close (FIN) after 100 bytes of the reply',
      on('RETR', '3').once().closeAfterBytes(100),
    ],
    ['on every RETR: reset (RST) after 10 bytes of the reply', on('RETR').resetAfterBytes(10)],
    ['on every PASS: hang (never answer)', on('PASS').hang()],
    ['on every connection: throttle to 512 bytes/s', connection().throttle({ bytesPerSecond: 512 })],
    ['on every LIST with probability 0.3: reply "-ERR busy"', on('LIST').probability(0.3).reply('-ERR busy')],
    ['on every connection: delay 100-200 ms (uniform)', on('greeting').delay({ uniform: [100, 200] })],
    [
      'on every QUIT in AUTHORIZATION: reply "-ERR x" then close (FIN)',
      on('QUIT').inState('AUTHORIZATION').replyAndClose('-ERR x'),
    ],
    [
      'on the 1st NOOP (per session) of user bob on the 3rd connection at most 2 times: reset the connection (RST)',
      on('NOOP').nth(1).perSession().forUser('bob').onConnection(3).times(2).reset(),
    ],
    ['on the 11th NOOP (per server): close the connection (FIN)', on('NOOP').nth(11).close()],
    ['on the 22nd NOOP (per server): close the connection (FIN)', on('NOOP').nth(22).close()],
    ['on the 113th NOOP (per server): close the connection (FIN)', on('NOOP').nth(113).close()],
    ['on the 103rd NOOP (per server): close the connection (FIN)', on('NOOP').nth(103).close()],
  ])('explain(): %s', (text, rule) => {
    expect(rule.explain()).toBe(text);
  });

  // JSON "args": [] is a rule on the bare command only; its sentence must not read as every LIST.
  test('explain() of "args": [] says no arguments, and LIST 1 is not faulted', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const [added] = await pop3.use({
        trigger: { point: 'command', verbs: ['LIST'], args: [] },
        action: { type: 'reply', lines: ['-ERR bare'] },
      });
      expect(added!.explain).toBe('on every LIST with no arguments: reply "-ERR bare"');
      const client = await login(pop3);
      expect(await client.command('LIST 1')).toMatch(/^\+OK 1 /);
      expect(await client.command('LIST')).toBe('-ERR bare');
      client.destroy();
      expect(pop3.transcript()).toContain(`-- fault ${added!.id}: ${added!.explain}`);
    });
  });

  test('explain() of a multi-line reply shows each CRLF once, escaped', () => {
    expect(on('LIST').reply('+OK 2', '1 120').explain()).toBe(
      `on every LIST: reply ${JSON.stringify('+OK 2\r\n1 120')}`,
    );
  });

  test('removeRule(id) names one rule: use() refuses an id a stored rule has, whole batch, at every door', async () => {
    const built = on('NOOP').reply('-ERR built');
    const other = on('STAT').reply('-ERR other');
    await withMock(aliceAndBob({ faults: [built], control: true }), async (pop3) => {
      // The same built rule again (it is in the faults option), after a fresh one in the same batch.
      const error = await pop3.use(other, built).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).path).toBe('rules[1].id');
      expect((error as InputError).message).toContain(`a stored rule has "${built.id}"`);
      expect(pop3.rules().map((r) => r.rule.id)).toEqual([built.id]); // nothing stored half-way
      expect(short(await run(pop3, ['STAT']))).toEqual([OK]);

      // Over the control API: the same refusal, as a 400 naming the path.
      const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
      try {
        const remoteError = await remote.use({ ...other, id: built.id }).catch((e: unknown) => e);
        expect(String(remoteError)).toContain('rules[0].id');
        expect(String(remoteError)).toContain(`a stored rule has "${built.id}"`);
        expect(pop3.rules()).toHaveLength(1);
      } finally {
        await remote.close();
      }
      expect(pop3.removeRule(built.id)).toBe(true);
      expect(pop3.rules()).toEqual([]);
    });
  });

  test('removeRule() lets go of what its rule holds (a hang, a delay, a stall) and of nothing another rule holds', async () => {
    const hangAlice = on('PASS').forUser(USER).hang();
    const hangNoop = on('NOOP').hang();
    const delayStat = on('STAT').delay(3_600_000);
    const stallRetr = on('RETR').stall({ afterBytes: 10 });
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(hangAlice, hangNoop, delayStat, stallRetr);
      const alice = await RawClient.connect(pop3.port);
      expect(await alice.command(`USER ${USER}`)).toMatch(/^\+OK/);
      alice.write(`PASS ${PASSWORD}\r\n`);
      await pop3.waitForCommand('PASS *');
      const bob = await RawClient.login(pop3.port, 'bob', 'hunter2');
      bob.write('NOOP\r\n');
      await pop3.waitForCommand('NOOP');

      expect(pop3.removeRule(hangAlice.id)).toBe(true);
      expect(await alice.readLine()).toMatch(/^\+OK /);
      // Bob's NOOP is held by another rule: still held.
      alice.write('STAT\r\n');
      await pop3.waitForCommand('STAT');
      expect(bob.pending.length).toBe(0);

      expect(pop3.removeRule(delayStat.id)).toBe(true);
      expect(await alice.readLine()).toMatch(/^\+OK 3 /);
      expect(pop3.removeRule(hangNoop.id)).toBe(true);
      expect(await bob.readLine()).toMatch(/^\+OK/);

      alice.write('RETR 1\r\n');
      await pop3.waitForCommand('RETR 1');
      expect(pop3.removeRule(stallRetr.id)).toBe(true);
      const retr = await alice.readMulti();
      expect(retr.wire.equals(wireOf(MESSAGES[0]!))).toBe(true);
      expect(await alice.command('QUIT')).toMatch(/^\+OK/);
      expect(await bob.command('QUIT')).toMatch(/^\+OK/);
    });
  });

  test('removeRule() of a failHandshake() whose +OK is out fails the handshake at once: the +OK cannot be taken back', async () => {
    const rule = on('STLS').failHandshake();
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(rule);
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK/);
      expect(pop3.removeRule(rule.id)).toBe(true);
      // No handshake byte sent: the junk and the FIN come all the same.
      expect((await client.readToEnd()).toString('latin1')).toBe('this is not TLS\r\n');
      expect((await pop3.sessionEnd()).endReason).toBe('fault');
    });
  });

  test("a faults file's rule-N moves the id sequence past it: a rule built later never shares its id", async () => {
    const before = on('NOOP').reply('-ERR built before the file');
    const [, tag, n] = /^rule-([0-9a-f]{6})-(\d+)$/.exec(before.id)!;
    // A file written from built rules' JSON holds ids this copy of the module gives later.
    const fileId = `rule-${tag}-${Number(n) + 2}`;
    const file = join(tmpdir(), `pop3-mock-rule-ids-${process.pid}-${n}.json`);
    writeFileSync(file, JSON.stringify([{ ...on('STAT').reply('-ERR from the file'), id: fileId }]));
    try {
      await withMock(aliceAndBob({ faults: file }), async (pop3) => {
        const after = [on('NOOP').reply('-ERR a'), on('NOOP').reply('-ERR b'), on('NOOP').reply('-ERR c')];
        expect(after.map((r) => r.id)).not.toContain(fileId);
        await pop3.use(...after);
        expect(pop3.rules()).toHaveLength(4);
        expect(pop3.removeRule(fileId)).toBe(true);
        expect(pop3.rules().map((r) => r.rule.id)).toEqual(after.map((r) => r.id));
        expect(short(await run(pop3, ['STAT', 'NOOP']))).toEqual([OK, '-ERR a']);
      });
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('a rule survives JSON: parsed back, it works with use() and gets its explain() again', async () => {
    const built = on('RETR', '2').nth(1).perSession().closeAfterBytes(7);
    const parsed = JSON.parse(JSON.stringify(built)) as FaultRule;
    expect(parsed).toEqual({
      id: built.id,
      trigger: { point: 'command', verbs: ['RETR'], args: ['2'] },
      nth: 1,
      per: 'session',
      action: { type: 'close-after-bytes', bytes: 7 },
    });
    expect('explain' in parsed).toBe(false);
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(parsed);
      expect(pop3.rules()[0]!.rule.explain()).toBe(built.explain());
      const client = await login(pop3);
      client.write('RETR 2\r\n');
      expect((await client.readToEnd()).length).toBe(7);
      const session = await pop3.sessionEnd();
      expectFault(pop3, session, built, 'close-after-bytes');
    });
  });

  test('the transcript shows the fault between the command and its reply', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('NOOP').reply('-ERR [SYS/TEMP] later');
      await pop3.use(rule);
      await run(pop3, ['NOOP']);
      expect(pop3.transcript()).toContain(
        `C: NOOP\n-- fault ${rule.id}: on every NOOP: reply "-ERR [SYS/TEMP] later"\nS: -ERR [SYS/TEMP] later\n`,
      );
      expect(pop3.sessions[0]!.faults).toEqual([
        { ruleId: rule.id, action: 'reply', description: rule.explain(), at: expect.any(Number) },
      ]);
    });
  });
});
