// Concurrency: sessions racing for one maildrop lock
// (RFC 1939 §4, RFC 2449 §8.1.2 [IN-USE]), delivery while sessions are open
// (the session's snapshot never changes, §9), and many users at once, each
// seeing only its own mail.
import { type Pop3Mock, rfcDialect, startPop3Mock } from '../../../src';
import { OK, PASSWORD, sizeOf, THREE, USER, wireOf } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { watchHost } from './support';

const watch = watchHost();
afterAll(() => watch.stop());
afterEach(() => watch.assertClean());

async function withServer(body: (pop3: Pop3Mock) => Promise<void>, lock?: 'none'): Promise<void> {
  const pop3 = await startPop3Mock({
    users: { [USER]: { password: PASSWORD, messages: [...THREE] } },
    ...(lock ? { lock } : {}),
  });
  try {
    await body(pop3);
  } finally {
    await pop3.close();
  }
}

/** Two clients send USER+PASS in the same tick; returns both PASS replies, in client order. */
/** Rounds of the lock race. */
const ROUNDS = 50;

type Racer = [client: RawClient, passReply: string];

async function race(pop3: Pop3Mock): Promise<[Racer, Racer]> {
  const clients = await Promise.all([RawClient.connect(pop3.port), RawClient.connect(pop3.port)]);
  for (const c of clients) c.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`);
  const run = async (c: RawClient): Promise<Racer> => {
    expect(await c.readLine()).toMatch(OK);
    return [c, await c.readLine()];
  };
  return Promise.all([run(clients[0]), run(clients[1])]);
}

test('§9 two sessions race for the lock 50 times: exactly one wins each time, the other gets [IN-USE]', async () => {
  await withServer(async (pop3) => {
    for (let round = 0; round < ROUNDS; round++) {
      const results = await race(pop3);
      const winners = results.filter(([, reply]) => reply.startsWith('+OK'));
      const losers = results.filter(([, reply]) => !reply.startsWith('+OK'));
      expect(winners).toHaveLength(1);
      expect(losers.map(([, reply]) => reply)).toEqual([`-ERR ${rfcDialect.texts.mailboxInUse}`]);
      const [winner] = winners[0]!;
      const [loser] = losers[0]!;
      // The loser stays in AUTHORIZATION (STAT is refused), and can log in once the winner is gone.
      expect(await loser.command('STAT')).toMatch(/^-ERR/);
      expect(await winner.command('QUIT')).toMatch(OK);
      await winner.closed();
      // UPDATE released the lock before the +OK to QUIT (RFC 1939 §6).
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      expect(await loser.command(`USER ${USER}`)).toMatch(OK);
      expect(await loser.command(`PASS ${PASSWORD}`)).toMatch(OK);
      expect(await loser.command('QUIT')).toMatch(OK);
      await loser.closed();
      await pop3.sessionEnd();
    }
    const attempts = pop3.sessions.flatMap((s) => s.authAttempts().map((a) => a.result));
    expect(attempts.filter((r) => r === 'in-use')).toHaveLength(ROUNDS);
  });
});

test('§9 the loser of a race never sees the winner’s deletions half-done: it logs in after UPDATE and sees the result', async () => {
  await withServer(async (pop3) => {
    const [[a, ra], [b, rb]] = await race(pop3);
    const [winner, loser] = ra.startsWith('+OK') ? [a, b] : [b, a];
    expect([ra, rb].filter((r) => r.startsWith('+OK'))).toHaveLength(1);
    expect(await winner.command('DELE 2')).toMatch(OK);
    expect(await loser.command(`USER ${USER}`)).toMatch(OK);
    expect(await loser.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${rfcDialect.texts.mailboxInUse}`);
    expect(await winner.command('QUIT')).toMatch(OK);
    await winner.closed();
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    expect(await loser.command(`USER ${USER}`)).toMatch(OK);
    expect(await loser.command(`PASS ${PASSWORD}`)).toMatch(OK);
    expect(await loser.command('STAT')).toBe(`+OK 2 ${sizeOf(THREE[0]!) + sizeOf(THREE[2]!)}`);
    loser.destroy();
  });
});

test('§9 with lock "none" both racers log in; each QUIT removes only what it marked', async () => {
  await withServer(async (pop3) => {
    const [[a, ra], [b, rb]] = await race(pop3);
    expect([ra, rb].every((r) => r.startsWith('+OK'))).toBe(true);
    expect(await a.command('DELE 1')).toMatch(OK);
    expect(await b.command('DELE 3')).toMatch(OK);
    expect(await a.command('QUIT')).toMatch(OK);
    await a.closed();
    expect(await b.command('QUIT')).toMatch(OK);
    await b.closed();
    const left = pop3.mailbox(USER).messages();
    expect(left.map((m) => m.bytes.equals(wireOf(THREE[1]!)))).toEqual([true]);
  }, 'none');
});

test('§9 delivery during open sessions: the open snapshot never changes; the next session sees the new mail', async () => {
  await withServer(async (pop3) => {
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    const total = THREE.reduce((sum, m) => sum + sizeOf(m), 0);
    expect(await client.command('STAT')).toBe(`+OK 3 ${total}`);
    expect(await client.command('DELE 1')).toMatch(OK);
    const fresh = 'From: late@example.com\nSubject: late\n\narrived mid-session\n';
    // Deliveries interleaved with the session's own commands.
    for (let i = 0; i < 5; i++) {
      await pop3.deliver(USER, fresh);
      expect(await client.command('STAT')).toBe(`+OK 2 ${total - sizeOf(THREE[0]!)}`);
      expect(await client.command('LIST 4')).toMatch(/^-ERR/);
    }
    expect(await client.command('QUIT')).toMatch(OK);
    await client.closed();
    await pop3.sessionEnd();

    // UPDATE removed message 1 only; the five deliveries are all there.
    const next = await RawClient.login(pop3.port, USER, PASSWORD);
    expect(await next.command('STAT')).toBe(
      `+OK 7 ${sizeOf(THREE[1]!) + sizeOf(THREE[2]!) + 5 * sizeOf(fresh)}`,
    );
    const retr = await next.multi('RETR 3');
    expect(retr.data.equals(wireOf(fresh))).toBe(true);
    next.destroy();
  });
});

test('many users at once: 100 sessions in parallel each read, delete and quit only their own mail', async () => {
  const users = Array.from({ length: 100 }, (_, i) => `user${i}`);
  const mail = (user: string, n: number) =>
    `From: x@example.com\nSubject: ${user} #${n}\n\nfor ${user} only\n`;
  const pop3 = await startPop3Mock({
    users: Object.fromEntries(
      users.map((u) => [u, { password: `pw-${u}`, messages: [mail(u, 1), mail(u, 2)] }]),
    ),
  });
  try {
    await Promise.all(
      users.map(async (user) => {
        const client = await RawClient.connect(pop3.port);
        // Pipelined: the whole session in one write.
        client.write(`USER ${user}\r\nPASS pw-${user}\r\nRETR 1\r\nRETR 2\r\nDELE 1\r\nQUIT\r\n`);
        expect(await client.readLine()).toMatch(OK);
        expect(await client.readLine()).toMatch(OK);
        for (const n of [1, 2])
          expect((await client.readMulti()).data.equals(wireOf(mail(user, n)))).toBe(true);
        expect(await client.readLine()).toMatch(OK);
        expect(await client.readLine()).toMatch(OK);
        await client.closed();
      }),
    );
    for (const user of users) {
      const left = pop3.mailbox(user).messages();
      expect(left).toHaveLength(1);
      expect(left[0]!.bytes.equals(wireOf(mail(user, 2)))).toBe(true);
      expect(pop3.mailbox(user).lockedBy).toBeUndefined();
    }
    expect(pop3.sessions.filter((s) => s.endReason === 'quit-update')).toHaveLength(users.length);
  } finally {
    await pop3.close();
  }
});
