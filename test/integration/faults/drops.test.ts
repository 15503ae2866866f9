// Faults that end the connection: close (FIN), reset (RST), closeAfterBytes,
// resetAfterBytes and garbage, seen from real clients and from the server.

import { on, type Pop3Mock, startPop3Mock } from '../../../src';
import { runCurl } from '../../helpers/clients/curl';
import { nodePop3 } from '../../helpers/clients/node-pop3';
import { FakeClock } from '../../helpers/fake-clock';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  login,
  MESSAGES,
  observeLoggedIn,
  PASSWORD,
  python,
  retrData,
  sizeOf,
  USER,
  warmPython,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();
warmPython();

/** The bytes an unfaulted `RETR n` sends, computed from the fixture. */
const fullRetr = (n: number) =>
  Buffer.concat([Buffer.from(`+OK ${sizeOf(MESSAGES[n - 1]!)} octets\r\n`), retrData(MESSAGES[n - 1]!)]);

/** After a drop: every message kept, nothing deleted, the lock released (a new login sees all). */
async function expectMailboxUntouched(pop3: Pop3Mock): Promise<void> {
  const mailbox = pop3.mailbox(USER);
  expect(mailbox.messages().map((m) => m.bytes.toString('latin1'))).toEqual(
    MESSAGES.map((m) => wireOf(m).toString('latin1')),
  );
  expect(mailbox.deleted()).toEqual([]);
  expect(mailbox.lockedBy).toBeUndefined();
  const again = await login(pop3);
  expect(await again.command('STAT')).toBe(
    `+OK ${MESSAGES.length} ${MESSAGES.reduce((sum, m) => sum + sizeOf(m), 0)}`,
  );
  expect(await again.command('QUIT')).toMatch(/^\+OK/);
  await again.closed();
}

describe('close() and reset()', () => {
  test('close (FIN): a Node socket sees a clean end, no error; Python sees EOF', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('NOOP').close();
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('NOOP\r\n');
      const ended = await client.ended;
      expect(ended).toEqual({ end: true, error: undefined, bytes: Buffer.alloc(0) });
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expectFault(pop3, session, rule, 'close');

      const py = await python(pop3.port, [['user', USER], ['pass_', PASSWORD], ['noop']]);
      expect(py[3]).toEqual({ raised: 'error_proto', message: '-ERR EOF' });
    });
  });

  test('reset (RST): a Node socket gets ECONNRESET and no end; node-pop3 reports ECONNRESET', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('NOOP').reset();
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('NOOP\r\n');
      const ended = await client.ended;
      expect(ended.end).toBe(false);
      expect(ended.error?.code).toBe('ECONNRESET');
      expect(ended.bytes.length).toBe(0);
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expectFault(pop3, session, rule, 'reset');

      // node-pop3 leaves the pending command unsettled and reports socket errors as 'warn'.
      const np = nodePop3(pop3.port, USER, PASSWORD);
      const warned = new Promise<NodeJS.ErrnoException>((resolve) => np.once('warn', resolve));
      void np.NOOP().catch(() => {});
      expect((await warned).code).toBe('ECONNRESET');
    });
  });

  test('reset (RST): Python poplib raises ConnectionResetError', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('STAT').reset());
      const py = await python(pop3.port, [['user', USER], ['pass_', PASSWORD], ['stat']]);
      expect(py[3]).toMatchObject({ raised: 'ConnectionResetError' });
    });
  });
});

describe('closeAfterBytes and resetAfterBytes mid-RETR', () => {
  test('§27 closeAfterBytes(40): exactly 40 bytes of the reply, then FIN; the mailbox is untouched', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('RETR', '1').closeAfterBytes(40);
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('DELE 2\r\nRETR 1\r\n');
      const ended = await client.ended;
      expect(ended.end).toBe(true);
      expect(ended.error).toBeUndefined();
      // The DELE reply first, then the cut RETR reply.
      const got = ended.bytes.subarray(ended.bytes.indexOf('\r\n') + 2);
      expect(ended.bytes.toString()).toMatch(/^\+OK[^\r]*\r\n/);
      expect(got.length).toBe(40);
      expect(got.equals(fullRetr(1).subarray(0, 40))).toBe(true);
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expect(session.deleted).toEqual([]);
      expectFault(pop3, session, rule, 'close-after-bytes');
      await expectMailboxUntouched(pop3);
    });
  });

  test('§27 resetAfterBytes(40): a Node client reads the 40 bytes before the connection goes', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('RETR').resetAfterBytes(40);
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('RETR 1\r\n');
      const ended = await client.ended;
      // The bytes are what is robust; the RST shows as ECONNRESET or, with unread bytes, as an end.
      expect(ended.bytes.equals(fullRetr(1).subarray(0, 40))).toBe(true);
      expect(ended.end || ended.error?.code === 'ECONNRESET').toBe(true);
      const session = await pop3.sessionEnd();
      expectFault(pop3, session, rule, 'reset-after-bytes');
      await expectMailboxUntouched(pop3);
    });
  });

  test('§27 resetAfterBytes: Python poplib reads every line before the cut, then the connection fails', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const [from, to] = wireOf(MESSAGES[0]!).toString().split('\r\n') as [string, string];
      const status = `+OK ${sizeOf(MESSAGES[0]!)} octets`;
      const cut = `${status}\r\n${from}\r\n${to}\r\n`.length + 3;
      await pop3.use(on('RETR').resetAfterBytes(cut));
      const py = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
        ['lines', 'RETR 1'],
      ]);
      expect(py[3]).toMatchObject({ lines: [status, from, to] });
      expect(['ConnectionResetError', 'error_proto']).toContain((py[3] as { raised: string }).raised);
    });
  });

  test('curl: FIN mid-body exits 0 with the truncated body; RST mid-body exits 56; FIN mid-status 56', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const status = `+OK ${sizeOf(MESSAGES[0]!)} octets\r\n`.length;
      const auth = ['-u', `${USER}:${PASSWORD}`];
      // curl 7.88 takes a FIN after part of the body as the end of the message.
      await pop3.use(on('RETR').closeAfterBytes(status + 25));
      const fin = await runCurl([`${pop3.url}/1`, ...auth]);
      expect(fin.code).toBe(0);
      expect(fin.stdout.equals(wireOf(MESSAGES[0]!).subarray(0, 25))).toBe(true);

      await pop3.use(on('RETR').resetAfterBytes(status + 25));
      const rst = await runCurl([`${pop3.url}/1`, ...auth]);
      expect(rst.code).toBe(56); // CURLE_RECV_ERROR
      expect(rst.stderr.toString()).toContain('Connection reset by peer');

      await pop3.use(on('RETR').closeAfterBytes(5));
      const early = await runCurl([`${pop3.url}/1`, ...auth]);
      expect(early.code).toBe(56);
      expect(early.stdout.length).toBe(0);
      expect(pop3.sessions.every((s) => s.endReason === 'fault')).toBe(true);
      await expectMailboxUntouched(pop3);
    });
  });

  test('a reply shorter than the limit still ends with the close', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('NOOP').closeAfterBytes(1000));
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('NOOP\r\n');
      const ended = await client.ended;
      expect(ended.end).toBe(true);
      expect(ended.bytes.toString()).toMatch(/^\+OK[^\r\n]*\r\n$/);
    });
  });

  // QUIT closes by itself after its reply: the fault's close must come first, with its own FIN or RST.
  test.each([
    ['resetAfterBytes', on('QUIT').resetAfterBytes(1000), { end: false, error: 'ECONNRESET' }],
    ['closeAfterBytes', on('QUIT').closeAfterBytes(1000), { end: true, error: undefined }],
  ])(
    'on QUIT, a reply shorter than the limit: %s still ends the session as the fault, after UPDATE',
    async (_, rule, how) => {
      await withMock(aliceAndBob(), async (pop3) => {
        await pop3.use(rule);
        const client = await observeLoggedIn(pop3.port);
        client.socket.write('DELE 2\r\nQUIT\r\n');
        const ended = await client.ended;
        expect(ended.bytes.toString('latin1')).toMatch(/^\+OK[^\r]*\r\n\+OK[^\r]*\r\n$/);
        expect({ end: ended.end, error: ended.error?.code }).toEqual(how);
        const session = await pop3.sessionEnd();
        expect(session.endReason).toBe('fault');
        expect(session.deleted.map((d) => d.number)).toEqual([2]);
        expectFault(pop3, session, rule, rule.action.type);
      });
    },
  );

  // As FAULTS.md says: the cut is in the reply, and QUIT's work (UPDATE) is done before it.
  test('on QUIT: UPDATE removes the marked message, then the +OK is cut', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('QUIT').closeAfterBytes(2);
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('DELE 2\r\nQUIT\r\n');
      const ended = await client.ended;
      expect(ended.end).toBe(true);
      expect(ended.bytes.toString('latin1')).toMatch(/^\+OK[^\r]*\r\n\+O$/);
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expect(session.deleted.map((d) => d.number)).toEqual([2]);
      expectFault(pop3, session, rule, 'close-after-bytes');
      expect(pop3.mailbox(USER).messages()).toHaveLength(MESSAGES.length - 1);
    });
  });
});

describe('garbage()', () => {
  /** The junk a fresh server with this seed sends for RETR 1. */
  async function junk(seed: number): Promise<Buffer> {
    const pop3 = await startPop3Mock({
      users: { [USER]: { password: PASSWORD, messages: MESSAGES } },
      seed,
      faults: [on('RETR').garbage(32)],
    });
    try {
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('RETR 1\r\n');
      const ended = await client.ended;
      expect(ended.end).toBe(true);
      expect(ended.error).toBeUndefined();
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expect(session.faults.map((f) => f.action)).toEqual(['garbage']);
      expect(pop3.transcript()).toContain('send 32 bytes of garbage, then close');
      return ended.bytes;
    } finally {
      await pop3.close();
    }
  }

  test('exactly N bytes of junk instead of the reply, then FIN; the same seed gives the same junk', async () => {
    const a = await junk(7);
    const b = await junk(7);
    const c = await junk(8);
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(fullRetr(1).subarray(0, 32))).toBe(false);
  });

  test('Python poplib fails on the junk instead of returning a message', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('RETR').garbage(16));
      const py = await python(pop3.port, [
        ['user', USER],
        ['pass_', PASSWORD],
        ['retr', 1],
      ]);
      expect(py[3]).toHaveProperty('raised');
    });
  });
});

test('reset (RST) with a fake clock: the RST goes out without the test moving the clock', async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  await withMock(aliceAndBob({ clock }), async (pop3) => {
    await pop3.use(on('NOOP').reset());
    const client = await observeLoggedIn(pop3.port);
    client.socket.write('NOOP\r\n');
    const ended = await client.ended;
    expect(ended.error?.code).toBe('ECONNRESET');
    expect((await pop3.sessionEnd()).endReason).toBe('fault');
  });
});
