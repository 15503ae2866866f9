// Faults that answer in place of the command: reply, replyAndClose, inUse,
// loginDelay, and the CAPA faults of checklist §27.

import { on } from '../../../src';
import { runCurl } from '../../helpers/clients/curl';
import { nodePop3 } from '../../helpers/clients/node-pop3';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  login,
  MESSAGES,
  observe,
  observeLoggedIn,
  PASSWORD,
  python,
  RawClient,
  receivedLines,
  sizeOf,
  USER,
  warmPython,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();
warmPython();

const TOTAL = MESSAGES.reduce((sum, m) => sum + sizeOf(m), 0);

describe('reply()', () => {
  test.each([
    ['RETR', '-ERR [SYS/TEMP] try later'],
    ['DELE', '-ERR [SYS/PERM] maildrop is read-only'],
    ['STAT', '-ERR no code at all'],
  ])('§18 %s answered %j: node-pop3 rejects with the text, the command never runs', async (verb, line) => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on(verb).reply(line);
      await pop3.use(rule);
      const client = nodePop3(pop3.port, USER, PASSWORD);
      const call = verb === 'STAT' ? client.STAT() : verb === 'DELE' ? client.DELE(1) : client.RETR(1);
      await expect(call).rejects.toThrow(line.slice('-ERR '.length));
      expect(await client.NOOP()).toBeUndefined();
      await client.QUIT();
      const session = await pop3.sessionEnd();
      expect(session.replies().map((r) => r.line)).toContain(line);
      expect(session.retrieved).toEqual([]);
      expect(session.deleted).toEqual([]);
      expect(pop3.mailbox(USER).messages()).toHaveLength(MESSAGES.length);
      expectFault(pop3, session, rule, 'reply');
    });
  });

  test('§18 PASS answered -ERR [AUTH]: Python sees the code, no login happens, no lock is taken', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('PASS').reply('-ERR [AUTH] invalid password');
      await pop3.use(rule);
      const py = await python(pop3.port, [['user', USER], ['pass_', PASSWORD], ['stat']]);
      expect(py[2]).toEqual({ raised: 'error_proto', message: '-ERR [AUTH] invalid password' });
      expect(py[3]).toMatchObject({ raised: 'error_proto' });
      const session = await pop3.sessionEnd();
      expect(session.user).toBeUndefined();
      expect(session.authAttempts()).toEqual([]);
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      expectFault(pop3, session, rule, 'reply');
    });
  });

  test('a multi-line reply: exact bytes on the wire, node-pop3 and Python parse it', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('LIST').reply('+OK 2 messages', '1 120', '2 340');
      await pop3.use(rule);
      const raw = await observeLoggedIn(pop3.port);
      raw.socket.write('LIST\r\n');
      expect((await receivedLines(raw, 4)).toString()).toBe('+OK 2 messages\r\n1 120\r\n2 340\r\n.\r\n');
      raw.socket.destroy();

      const client = nodePop3(pop3.port, USER, PASSWORD);
      expect(await client.LIST()).toEqual([
        ['1', '120'],
        ['2', '340'],
      ]);
      await client.QUIT();

      const py = await python(pop3.port, [['user', USER], ['pass_', PASSWORD], ['list']]);
      expect(py[3]).toEqual({ ok: ['+OK 2 messages', ['1 120', '2 340'], 14] });
      expect(pop3.sessions.every((s) => s.faults.some((f) => f.ruleId === rule.id))).toBe(true);
    });
  });

  test('a multi-line reply is dot-stuffed: a data line starting with "." arrives as ".."', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('TOP').reply('+OK', 'Subject: x', '', '.hidden', '.'));
      const raw = await observeLoggedIn(pop3.port);
      raw.socket.write('TOP 1 0\r\n');
      expect((await receivedLines(raw, 6)).toString()).toBe(
        '+OK\r\nSubject: x\r\n\r\n..hidden\r\n..\r\n.\r\n',
      );
      raw.socket.destroy();
      const py = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
        ['top', 1, 0],
      ]);
      expect(py[3]).toEqual({ ok: ['+OK', ['Subject: x', '', '.hidden', '.'], 26] });
    });
  });
});

describe('replyAndClose()', () => {
  test("§27 on('greeting').replyAndClose('-ERR busy'): -ERR greeting, then FIN; Python raises", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('greeting').replyAndClose('-ERR busy');
      await pop3.use(rule);
      const client = await observe(pop3.port);
      expect(await client.ended).toEqual({
        end: true,
        error: undefined,
        bytes: Buffer.from('-ERR busy\r\n'),
      });
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expect(session.commands()).toEqual([]);
      expectFault(pop3, session, rule, 'reply');

      const py = await python(pop3.port, []);
      expect(py).toEqual([{ raised: 'error_proto', message: '-ERR busy' }]);
    });
  });

  test('§8 §27 QUIT answered -ERR then closed: no deletion applied, the lock released', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('QUIT').replyAndClose('-ERR [SYS/TEMP] could not remove messages');
      await pop3.use(rule);
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      expect(await client.command('DELE 3')).toMatch(/^\+OK/);
      expect(await client.command('QUIT')).toBe('-ERR [SYS/TEMP] could not remove messages');
      expect((await client.readToEnd()).length).toBe(0);
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expect(session.deleted).toEqual([]);
      expectFault(pop3, session, rule, 'reply');
      const mailbox = pop3.mailbox(USER);
      expect(mailbox.messages().map((m) => m.bytes.toString())).toEqual(
        MESSAGES.map((m) => wireOf(m).toString()),
      );
      expect(mailbox.lockedBy).toBeUndefined();

      // A new session logs in at once and still sees every message; Python's quit() raises.
      const py = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
        ['stat'],
        ['dele', 1],
        ['quit'],
      ]);
      expect(py[3]).toEqual({ ok: [MESSAGES.length, TOTAL] });
      expect(py[5]).toEqual({ raised: 'error_proto', message: '-ERR [SYS/TEMP] could not remove messages' });
      expect(pop3.mailbox(USER).messages()).toHaveLength(MESSAGES.length);
    });
  });
});

describe('inUse() and loginDelay() on PASS', () => {
  test('§18 inUse(): node-pop3 rejects the login with [IN-USE]; the mailbox stays unlocked', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('PASS').inUse();
      await pop3.use(rule);
      const client = nodePop3(pop3.port, USER, PASSWORD);
      await expect(client.STAT()).rejects.toThrow('[IN-USE] maildrop already locked');
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      expectFault(pop3, pop3.sessions[0]!, rule, 'reply');
      await client.QUIT();
    });
  });

  test('§18 loginDelay() and a custom inUse text: Python sees the exact lines', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(
        on('PASS').onConnection(1).loginDelay(),
        on('PASS').onConnection(2).inUse('held by pid 42'),
      );
      const first = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
      ]);
      expect(first[2]).toEqual({
        raised: 'error_proto',
        message: '-ERR [LOGIN-DELAY] minimum time between logins not reached',
      });
      const second = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
      ]);
      expect(second[2]).toEqual({ raised: 'error_proto', message: '-ERR [IN-USE] held by pid 42' });
      const third = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
      ]);
      expect(third[2]).toEqual({ ok: expect.stringMatching(/^\+OK /) });
    });
  });
});

describe('CAPA faults', () => {
  test('§27 CAPA lists TOP, TOP fails: Python sees TOP in capa(), then -ERR on top()', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('TOP').reply('-ERR not supported');
      await pop3.use(rule);
      const py = await python(pop3.port, [['capa'], ['user', USER], ['pass_', PASSWORD], ['top', 1, 0]]);
      expect(Object.keys((py[1] as { ok: Record<string, unknown> }).ok)).toContain('TOP');
      expect(py[4]).toEqual({ raised: 'error_proto', message: '-ERR not supported' });

      const client = nodePop3(pop3.port, USER, PASSWORD);
      await expect(client.TOP(1, 0)).rejects.toThrow('not supported');
      await client.QUIT();
    });
  });

  test("§27 on('CAPA').reply('-ERR'): Python's capa() raises; curl falls back to USER/PASS", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('CAPA').reply('-ERR');
      await pop3.use(rule);
      const py = await python(pop3.port, [['capa']]);
      // poplib replaces the server's text with its own.
      expect(py[1]).toEqual({ raised: 'error_proto', message: '-ERR CAPA not supported by server' });

      const curl = await runCurl([`${pop3.url}/1`, '-u', `${USER}:${PASSWORD}`]);
      expect(curl.code).toBe(0);
      expect(curl.stdout.equals(wireOf(MESSAGES[0]!))).toBe(true);
      const session = await pop3.sessionEnd();
      expect(session.commands()).toEqual(['CAPA', `USER ${USER}`, 'PASS ******', 'RETR 1', 'QUIT']);
      expectFault(pop3, session, rule, 'reply');
    });
  });

  test('a raw client sees the bare -ERR to CAPA and the session goes on', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('CAPA').reply('-ERR'));
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('CAPA')).toBe('-ERR');
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
    });
  });
});
