import { rfcDialect } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { login, PASSWORD, USER, wireForm, withMailbox } from './fixtures';

// Checklist §9: the maildrop lock and the session snapshot (RFC 1939 §4; RFC 2449 §8.1.2).

const T = rfcDialect.texts;
const MSGS = ['Subject: 1\n\none\n', 'Subject: 2\n\ntwo\n'];
const SIZES = MSGS.map((m) => wireForm(m).length);
const FULL_STAT = `+OK 2 ${SIZES[0]! + SIZES[1]!}`;

test('§9 the lock is taken before the +OK to PASS and released at the end', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command(`USER ${USER}`);
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    // Checked as soon as the +OK is read: the lock is already held.
    expect(pop3.mailbox(USER).lockedBy).toBe(pop3.sessions[0]!.id);
    await client.command('QUIT');
    await client.closed();
    await pop3.sessionEnd(pop3.sessions[0]);
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
  });
});

test('§9 a second session gets -ERR [IN-USE] on PASS, stays in AUTHORIZATION, and succeeds after the first QUITs', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const first = await login(pop3);
    expect(await first.command('DELE 1')).toMatch(/^\+OK/);

    const second = await RawClient.connect(pop3.port);
    expect(await second.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await second.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR \[IN-USE\]/);
    const secondRecord = pop3.sessions[1]!;
    expect(secondRecord.state).toBe('AUTHORIZATION');
    expect(secondRecord.ended).toBe(false);
    expect(await second.command('STAT')).toMatch(/^-ERR/);
    expect(pop3.mailbox(USER).lockedBy).toBe(pop3.sessions[0]!.id);
    // The refused login did not disturb the first session.
    expect(await first.command('STAT')).toBe(`+OK 1 ${SIZES[1]}`);

    expect(await first.command('QUIT')).toMatch(/^\+OK/);
    await first.closed();
    await pop3.sessionEnd(pop3.sessions[0]);

    expect(await second.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await second.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(await second.command('STAT')).toBe(`+OK 1 ${SIZES[1]}`);
    expect(pop3.mailbox(USER).lockedBy).toBe(secondRecord.id);
  });
});

test('§9 [IN-USE] is only for right credentials: a wrong password on a locked maildrop gets the [AUTH] reply', async () => {
  await withMailbox(MSGS, async (pop3) => {
    await login(pop3);
    const second = await RawClient.connect(pop3.port);
    await second.command(`USER ${USER}`);
    expect(await second.command('PASS wrong')).toBe(`-ERR ${T.authFailed}`);
  });
});

test('§9 a failed login takes no lock', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const failing = await RawClient.connect(pop3.port);
    await failing.command(`USER ${USER}`);
    expect(await failing.command('PASS wrong')).toMatch(/^-ERR/);
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    const other = await login(pop3);
    expect(await other.command('STAT')).toBe(FULL_STAT);
  });
});

test('§9 the message list is fixed at login; mail delivered mid-session shows in the next session', async () => {
  const late = 'Subject: late\n\narrived during the session\n';
  await withMailbox(MSGS, async (pop3) => {
    const client = await login(pop3);
    const uidlBefore = (await client.multi('UIDL')).data.toString();
    const [info] = await pop3.deliver(USER, late);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);

    expect(await client.command('STAT')).toBe(FULL_STAT);
    expect((await client.multi('LIST')).data.toString()).toBe(`1 ${SIZES[0]}\r\n2 ${SIZES[1]}\r\n`);
    expect((await client.multi('UIDL')).data.toString()).toBe(uidlBefore);
    for (const line of ['LIST 3', 'RETR 3', 'UIDL 3', 'TOP 3 0', 'DELE 3']) {
      expect(`${line} -> ${await client.command(line)}`).toMatch(/ -> -ERR( |$)/);
    }
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await pop3.sessionEnd(pop3.sessions[0]);

    const next = await login(pop3);
    expect(await next.command('STAT')).toBe(`+OK 3 ${SIZES[0]! + SIZES[1]! + wireForm(late).length}`);
    expect(await next.command('UIDL 3')).toBe(`+OK 3 ${info!.uid}`);
    const retr = await next.multi('RETR 3');
    expect(retr.data.equals(wireForm(late))).toBe(true);
  });
});

test('§9 the snapshot is not changed by another session’s UPDATE (lock: none)', async () => {
  await withMailbox(
    MSGS,
    async (pop3) => {
      const reader = await login(pop3);
      const deleter = await login(pop3);
      expect(await deleter.command('DELE 1')).toMatch(/^\+OK/);
      expect(await deleter.command('QUIT')).toMatch(/^\+OK/);
      await deleter.closed();
      await pop3.sessionEnd(pop3.sessions[1]);
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
      // Numbers and sizes stay those of the reader's login.
      expect(await reader.command('LIST 2')).toBe(`+OK 2 ${SIZES[1]}`);
    },
    { lock: 'none' },
  );
});

// RFC 1939 has no reply for a message gone since login (its lock rules that out): the rfc dialect
// keeps the snapshot's promise, the dovecot one answers as Dovecot (dialects/dovecot.test.ts).
test("§9 lock: 'none': RETR and TOP of a message another session's UPDATE removed send it from the snapshot", async () => {
  await withMailbox(
    MSGS,
    async (pop3) => {
      const reader = await login(pop3);
      const deleter = await login(pop3);
      expect(await deleter.command('DELE 1')).toMatch(/^\+OK/);
      expect(await deleter.command('QUIT')).toMatch(/^\+OK/);
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
      const retr = await reader.multi('RETR 1');
      expect(retr.status).toBe(`+OK ${T.retrieved(SIZES[0]!)}`);
      expect(retr.data.equals(wireForm(MSGS[0]!))).toBe(true);
      expect((await reader.multi('TOP 1 0')).data.toString('latin1')).toBe('Subject: 1\r\n\r\n');
      expect(await reader.command('QUIT')).toMatch(/^\+OK/);
      await reader.closed();
      expect((await pop3.sessionEnd(pop3.sessions[0])).retrieved.map((r) => r.number)).toEqual([1]);
    },
    { lock: 'none' },
  );
});

test("§9 lock: 'none' lets two sessions use one maildrop at the same time", async () => {
  await withMailbox(
    MSGS,
    async (pop3) => {
      const a = await login(pop3);
      const b = await login(pop3);
      expect(pop3.sessions.map((s) => s.state)).toEqual(['TRANSACTION', 'TRANSACTION']);
      expect(await a.command('STAT')).toBe(FULL_STAT);
      expect(await b.command('STAT')).toBe(FULL_STAT);
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    },
    { lock: 'none' },
  );
});

test("§9 the default lock mode is exclusive (RFC 1939 §4), not Dovecot's 'none'", async () => {
  await withMailbox(MSGS, async (pop3) => {
    await login(pop3);
    const b = await RawClient.connect(pop3.port);
    await b.command(`USER ${USER}`);
    expect(await b.command(`PASS ${PASSWORD}`)).toBe(`-ERR ${T.mailboxInUse}`);
  });
});

test("§9 lock: 'none': a message two sessions delete is removed once, by the first UPDATE, and listed deleted once", async () => {
  await withMailbox(
    MSGS,
    async (pop3) => {
      const first = await login(pop3);
      const second = await login(pop3);
      const [firstId, secondId] = pop3.sessions.map((s) => s.id);
      expect(await first.command('DELE 1')).toMatch(/^\+OK/);
      expect(await second.command('DELE 1')).toMatch(/^\+OK/);
      expect(await first.command('QUIT')).toMatch(/^\+OK/);
      // As Dovecot answers: the second QUIT is +OK, the message is gone already.
      expect(await second.command('QUIT')).toMatch(/^\+OK/);
      await second.closed();
      const ended = await pop3.sessionEnd(secondId);
      const uid = pop3.sessions[0]!.deleted[0]!.uid;

      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
      // One message left the maildrop, at the first UPDATE: the second removed nothing.
      expect(
        pop3
          .mailbox(USER)
          .deleted()
          .map((d) => [d.uid, d.sessionId]),
      ).toEqual([[uid, firstId]]);
      expect(pop3.outcome(USER).deleted.map((d) => [d.uid, d.sessionId])).toEqual([[uid, firstId]]);
      expect(ended.endReason).toBe('quit-update');
      expect(ended.deleted).toEqual([]);
    },
    { lock: 'none' },
  );
});

test('§9 a session open across reset() lists as deleted nothing its UPDATE could not remove', async () => {
  await withMailbox(MSGS, async (pop3) => {
    await pop3.deliver(USER, 'Subject: 3\n\nthree\n');
    const client = await login(pop3);
    expect(await client.command('DELE 3')).toMatch(/^\+OK/);
    // Back to the seed: message 3 is not in the mailbox any more.
    await pop3.reset();
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    const ended = await pop3.sessionEnd(pop3.sessions[0]!.id);

    expect(pop3.mailbox(USER).messages()).toHaveLength(2);
    expect(pop3.mailbox(USER).deleted()).toEqual([]);
    expect(pop3.outcome(USER).deleted).toEqual([]);
    expect(ended.deleted).toEqual([]);
  });
});

test('§9 a session open across reset() deletes nothing from the seeded mailbox: a seed message it marked stays', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    await pop3.reset(); // A test's end: the next one starts from the seed.
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    const ended = await pop3.sessionEnd(pop3.sessions[0]!.id);
    expect(ended.deleted).toEqual([]);
    expect(pop3.mailbox(USER).messages()).toHaveLength(MSGS.length);
    expect(pop3.mailbox(USER).deleted()).toEqual([]);
    const fresh = await login(pop3);
    expect(await fresh.command('STAT')).toMatch(new RegExp(`^\\+OK ${MSGS.length} `));
    await fresh.command('QUIT');
  });
});
