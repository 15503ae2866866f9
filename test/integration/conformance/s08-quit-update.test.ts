import { rfcDialect } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import { RawClient } from '../../helpers/raw-client';
import { login, PASSWORD, script, stuff, USER, wireForm, withMailbox } from './fixtures';

// Checklist §8: QUIT, UPDATE, dropped connections and autologout (RFC 1939 §3, §4, §6, §8).

const T = rfcDialect.texts;
const MSGS = ['Subject: 1\n\none\n', 'Subject: 2\n\ntwo\n', 'Subject: 3\n\nthree\n'];
const wires = MSGS.map((m) => wireForm(m));
const stored = (pop3: { mailbox(u: string): { messages(): { bytes: Buffer }[] } }) =>
  pop3
    .mailbox(USER)
    .messages()
    .map((m) => m.bytes.toString('latin1'));

test('§8 QUIT takes no arguments: "QUIT now" gets -ERR in both states and the session goes on', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('QUIT now')).toMatch(/^-ERR( |$)/);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect(await client.command('QUIT now')).toMatch(/^-ERR( |$)/);
    expect(pop3.sessions[0]!.state).toBe('TRANSACTION');
    expect(await client.command('STAT')).toBe(`+OK 2 ${wires[1]!.length + wires[2]!.length}`);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
  });
});

test('§8 QUIT in AUTHORIZATION gets +OK and closes; nothing is deleted', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command(`USER ${USER}`);
    expect(await client.command('QUIT')).toBe(`+OK ${T.quitAuthorization}`);
    expect((await client.readToEnd()).length).toBe(0);
    const record = await pop3.sessionEnd(pop3.sessions[0]);
    expect(record.endReason).toBe('quit-authorization');
    expect(stored(pop3)).toEqual(wires.map((w) => w.toString('latin1')));
    expect(pop3.mailbox(USER).deleted()).toEqual([]);
  });
});

test('§8 QUIT in TRANSACTION removes the marked messages, releases the lock, answers +OK, then closes', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 2')).toMatch(/^\+OK/);
    expect(await client.command('DELE 3')).toMatch(/^\+OK/);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
    // The reply is read in full first; only then does the close arrive.
    expect(await client.command('QUIT')).toBe(`+OK ${T.quitUpdate(2, 1)}`);
    expect((await client.readToEnd()).length).toBe(0);
    const record = await pop3.sessionEnd(pop3.sessions[0]);
    expect(record.endReason).toBe('quit-update');
    expect(record.deleted.map((d) => d.number)).toEqual([2, 3]);
    // Message 1 was never marked and stays; 2 and 3 are gone.
    expect(stored(pop3)).toEqual([wires[0]!.toString('latin1')]);
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    const next = await login(pop3);
    expect(await next.command('STAT')).toBe(`+OK 1 ${wires[0]!.length}`);
  });
});

test('§8 a message not marked deleted is never removed in UPDATE', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await login(pop3);
    const out = await script(client, ['DELE 2', 'RETR 1', 'TOP 3 0', 'DELE 1', 'RSET', 'DELE 2', 'QUIT']);
    expect(out.endsWith(`+OK ${T.quitUpdate(1, 2)}\r\n`)).toBe(true);
    expect(stored(pop3)).toEqual([wires[0]!, wires[2]!].map((w) => w.toString('latin1')));
  });
});

test('§8 the QUIT reply is flushed before the close, even behind a 1 MB RETR', async () => {
  const big = `Subject: big\n\n${'.line of a large message\n'.repeat(45_000)}`;
  await withMailbox([big], async (pop3) => {
    const client = await login(pop3);
    const out = await script(client, ['RETR 1', 'DELE 1', 'QUIT']);
    const wire = wireForm(big);
    const expected = `+OK ${T.retrieved(wire.length)}\r\n${stuff(wire).toString('latin1')}.\r\n+OK ${T.deleted(1)}\r\n+OK ${T.quitUpdate(1, 0)}\r\n`;
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
    expect(pop3.mailbox(USER).messages()).toHaveLength(0);
  });
});

describe('§8 a session that ends without QUIT deletes nothing and releases the lock', () => {
  test.each([
    ['FIN from the client', (c: RawClient) => c.end()],
    ['RST from the client', (c: RawClient) => c.reset()],
  ])('%s after DELE', async (_name, drop) => {
    await withMailbox(MSGS, async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      expect(await client.command('DELE 3')).toMatch(/^\+OK/);
      drop(client);
      const record = await pop3.sessionEnd(pop3.sessions[0]);
      expect(record.endReason).toBe('client-closed');
      expect(record.deleted).toEqual([]);
      expect(record.events.some((e) => e.type === 'update')).toBe(false);
      expect(stored(pop3)).toEqual(wires.map((w) => w.toString('latin1')));
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      const next = await login(pop3);
      expect(await next.command('STAT')).toBe(`+OK 3 ${wires.reduce((n, w) => n + w.length, 0)}`);
    });
  });

  test('RST in the middle of a RETR stream, after a DELE', async () => {
    const big = `Subject: big\n\n${'x'.repeat(8 * 1024 * 1024)}\n`;
    await withMailbox([MSGS[0]!, big], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      client.write('RETR 2\r\n');
      expect(await client.readLine()).toMatch(/^\+OK/);
      client.reset();
      const record = await pop3.sessionEnd(pop3.sessions[0]);
      expect(record.endReason).toBe('client-closed');
      expect(pop3.mailbox(USER).messages()).toHaveLength(2);
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      const next = await login(pop3);
      expect(await next.command('LIST 1')).toBe(`+OK 1 ${wires[0]!.length}`);
    });
  });
});

test('§8 a server shutdown mid-session ends it without UPDATE', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    const record = pop3.sessions[0]!;
    await pop3.close();
    await client.closed();
    expect(record.endReason).toBe('server-closed');
    expect(record.events.some((e) => e.type === 'update')).toBe(false);
    expect(stored(pop3)).toEqual(wires.map((w) => w.toString('latin1')));
  });
});

test('§8 autologout: the default timer is 10 minutes and every command restarts it', async () => {
  const clock = new FakeClock();
  await withMailbox(
    MSGS,
    async (pop3) => {
      const client = await login(pop3);
      const record = pop3.sessions[0]!;
      clock.advance(599_999);
      expect(await client.command('NOOP')).toMatch(/^\+OK/);
      // 1 199 998 ms since login: alive only because NOOP restarted the timer.
      clock.advance(599_999);
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      clock.advance(599_999);
      expect(record.ended).toBe(false);
      clock.advance(1);
      expect((await client.readToEnd()).length).toBe(0);
      await pop3.sessionEnd(record);
      expect(record.endReason).toBe('autologout');
      expect(pop3.mailbox(USER).messages()).toHaveLength(3);
    },
    { clock },
  );
});

test('§8 autologout: an idle session is closed silently with no UPDATE (a DELE is kept)', async () => {
  const clock = new FakeClock();
  await withMailbox(
    MSGS,
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\nDELE 1\r\n`);
      const replies = [await client.readLine(), await client.readLine(), await client.readLine()];
      expect(replies.every((r) => r.startsWith('+OK'))).toBe(true);
      clock.advance(50);
      // RFC 1939 §3: the server closes without sending anything.
      expect((await client.readToEnd()).length).toBe(0);
      const record = await pop3.sessionEnd(pop3.sessions[0]);
      expect(record.endReason).toBe('autologout');
      expect(record.events.some((e) => e.type === 'update')).toBe(false);
      expect(stored(pop3)).toEqual(wires.map((w) => w.toString('latin1')));
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    },
    { autologoutMs: 50, clock },
  );
});

test('§8 autologout: each command restarts the timer (lower bounds only)', async () => {
  const autologoutMs = 150;
  const clock = new FakeClock();
  await withMailbox(
    MSGS,
    async (pop3) => {
      const client = await login(pop3);
      const record = pop3.sessions[0]!;
      // Four commands 50 ms apart: the session outlives autologoutMs only if each one restarts the timer.
      for (let i = 0; i < 4; i++) {
        clock.advance(autologoutMs / 3);
        expect(await client.command('NOOP')).toMatch(/^\+OK/);
      }
      clock.advance(autologoutMs);
      await client.closed();
      await pop3.sessionEnd(record);
      expect(record.endReason).toBe('autologout');
      const commands = record.commandEvents();
      const last = commands.at(-1)!.at;
      const lasted = record.endedAt!.getTime() - record.startedAt.getTime();
      expect(record.endedAt!.getTime() - last).toBeGreaterThanOrEqual(autologoutMs - 2);
      expect(lasted).toBeGreaterThanOrEqual(4 * (autologoutMs / 3) + autologoutMs - 2);
      expect(lasted).toBeGreaterThan(autologoutMs);
    },
    { autologoutMs, clock },
  );
});
