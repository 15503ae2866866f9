// Limits: line length with a bounded buffer, the session
// cap, too many bad commands per dialect, and the autologout timer for idle
// and slow clients (RFC 1939 §3, RFC 2449 §4).
import { type Dialect, dovecotDialect, rfcDialect, startPop3Mock } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import { bigMessage, FIVE_MB, login, OK, PASSWORD, THREE, USER, withMailbox } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { within } from '../../helpers/within';
import { rawSocket, retainedBytes, watchHost, whenClosed, writeWithoutLineEnd } from './support';

const watch = watchHost();
afterAll(() => watch.stop());
afterEach(() => watch.assertClean());

const TEN_MB = 10 * 1024 * 1024;
const err = (text: string) => (text === '' ? '-ERR' : `-ERR ${text}`);

describe('line length', () => {
  test('§1 a 10 MB line without CRLF: one -ERR once it passes the limit, memory bounded, the session goes on', async () => {
    await withMailbox(THREE, async (pop3) => {
      const client = await login(pop3);
      const limit = rfcDialect.maxLineLength.TRANSACTION;
      const before = await retainedBytes();

      // Just past the limit, before any line end: the -ERR comes now, not at the end of the line.
      await writeWithoutLineEnd(client.socket, limit + 1);
      expect(await client.readLine()).toBe(err(rfcDialect.texts.lineTooLong('TRANSACTION')));

      await writeWithoutLineEnd(client.socket, TEN_MB - limit - 1);
      const during = await retainedBytes();
      // Buffering the line would hold megabytes; the reader holds at most the limit.
      expect(during.arrayBuffers - before.arrayBuffers).toBeLessThan(2 * 1024 * 1024);
      expect(during.heapUsed - before.heapUsed).toBeLessThan(4 * 1024 * 1024);

      // The end of the long line is dropped silently; the next command runs.
      expect(await client.command('\r\nNOOP')).toMatch(OK);
      expect(client.pending.length).toBe(0);
      expect(await client.command('STAT')).toMatch(/^\+OK 3 /);
      const record = pop3.sessions[0]!;
      expect(record.replies().filter((r) => r.status === '-ERR')).toHaveLength(1);
      client.destroy();
    });
  });

  test('§1 an over-long line is in the transcript as its first 100 octets with a note, secrets masked; it is no command', async () => {
    await withMailbox(THREE, async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      const limit = rfcDialect.maxLineLength.AUTHORIZATION;
      const tooLong = err(rfcDialect.texts.lineTooLong('AUTHORIZATION'));
      const user = `USER ${'u'.repeat(limit)}`;
      const pass = `PASS ${'p'.repeat(limit)}`;
      expect(await client.command(user)).toBe(tooLong);
      expect(await client.command(pass)).toBe(tooLong);
      await client.command('QUIT');
      await pop3.sessionEnd();

      const note = `...   <- not read: longer than the ${limit}-octet limit`;
      expect(pop3.transcript({ notes: false }).split('\n').slice(1, 6)).toEqual([
        expect.stringMatching(/^S: \+OK /),
        `C: ${user.slice(0, 100)}${note}`,
        `S: ${tooLong}`,
        `C: PASS ******${note}`,
        `S: ${tooLong}`,
      ]);
      expect(pop3.transcript({ secrets: true })).toContain(`C: ${pass.slice(0, 100)}${note}`);
      const record = pop3.sessions[0]!;
      // The structured record keeps what was sent, as for commands.
      expect(record.events.filter((e) => e.type === 'line-too-long')).toEqual([
        expect.objectContaining({ raw: user.slice(0, 100), limit }),
        expect.objectContaining({ raw: pass.slice(0, 100), limit }),
      ]);
      expect(pop3.verify('USER *', { times: 0 })).toBe(0);
      expect(pop3.commands()).toEqual(['QUIT']);
    });
  });

  test('§22 an over-long line inside a SASL exchange ends the exchange: the next line is a command again', async () => {
    await withMailbox(THREE, async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('AUTH LOGIN')).toBe(`+ ${Buffer.from('Username:').toString('base64')}`);
      // RFC 5034 §4: a response the server cannot decode rejects the AUTH command with -ERR.
      const limit = rfcDialect.maxLineLength.AUTHORIZATION;
      expect(await client.command('A'.repeat(limit))).toBe(
        err(rfcDialect.texts.lineTooLong('AUTHORIZATION')),
      );
      // The client saw -ERR: the exchange is over, so CAPA is a command, not a user name.
      const capa = await client.multi('CAPA');
      expect(capa.status).toBe(`+OK ${rfcDialect.texts.capaHeader}`);
      expect(await client.command(`USER ${USER}`)).toMatch(OK);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(OK);
      client.destroy();
      // The over-long response is base64 of credentials: masked whole, as any SASL response.
      expect(pop3.transcript()).toContain(`C: ******...   <- not read: longer than the ${limit}-octet limit`);
    });
  });

  test('§1 closeOnLongLine (Dovecot): a 10 MB line before login gets one -ERR and the connection closes', async () => {
    await withMailbox(
      THREE,
      async (pop3) => {
        const socket = await rawSocket(pop3.port);
        const received: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        const closed = whenClosed(socket);
        await Promise.race([writeWithoutLineEnd(socket, TEN_MB), closed]);
        await closed;
        const text = Buffer.concat(received).toString('latin1');
        const greeting = `+OK ${dovecotDialect.texts.greeting({ remoteAddress: '127.0.0.1', sessionId: 1 })}\r\n`;
        expect(text).toBe(`${greeting}${err(dovecotDialect.texts.lineTooLong('AUTHORIZATION'))}\r\n`);
        const record = await pop3.sessionEnd();
        expect(record.endReason).toBe('server-closed');
      },
      { dialect: dovecotDialect },
    );
  });
});

describe('maxSessions', () => {
  test('the connection over the cap gets one -ERR [SYS/TEMP] and FIN, is recorded as a session ended "refused", and a freed slot is reused', async () => {
    const max = 3;
    const pop3 = await startPop3Mock({ users: { [USER]: PASSWORD }, maxSessions: max, lock: 'none' });
    try {
      const clients = await Promise.all(Array.from({ length: max }, () => RawClient.connect(pop3.port)));
      for (const c of clients) expect(c.greeting).toMatch(OK);

      const refused = await rawSocket(pop3.port);
      const bytes: Buffer[] = [];
      refused.on('data', (chunk: Buffer) => bytes.push(chunk));
      await whenClosed(refused);
      const wire = `${err(rfcDialect.texts.tooManySessions)}\r\n`;
      expect(Buffer.concat(bytes).toString('latin1')).toBe(wire);

      // The refusal is a record of its own; the accepted sessions are untouched.
      expect(pop3.sessions).toHaveLength(max + 1);
      const record = await pop3.sessionEnd(pop3.sessions[max]);
      expect(record.endReason).toBe('refused');
      expect(record.replies()).toEqual([
        {
          status: '-ERR',
          line: err(rfcDialect.texts.tooManySessions),
          bytes: wire.length,
          at: expect.any(Number),
        },
      ]);
      expect(record.render({ header: false })).toBe(
        [`S: ${err(rfcDialect.texts.tooManySessions)}`, '-- ended: refused'].join('\n'),
      );
      expect(pop3.sessions.slice(0, max).map((s) => s.ended)).toEqual(Array(max).fill(false));

      // One leaves: the next connection is a session again.
      expect(await clients[0]!.command('QUIT')).toMatch(OK);
      await clients[0]!.closed();
      await pop3.sessionEnd(pop3.sessions[0]);
      const again = await RawClient.connect(pop3.port);
      expect(again.greeting).toMatch(OK);
      expect(pop3.sessions).toHaveLength(max + 2);
      expect(pop3.sessions.at(-1)!.ended).toBe(false);
      for (const c of [...clients, again]) c.destroy();
    } finally {
      await pop3.close();
    }
  });
});

describe('too many bad commands', () => {
  const strict: Dialect = {
    ...rfcDialect,
    name: 'strict',
    maxBadCommands: { AUTHORIZATION: 2, TRANSACTION: 3 },
  };

  test('the RFC dialect never closes for bad commands', async () => {
    await withMailbox(THREE, async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      const lines = Array.from({ length: 100 }, (_, i) => `XBAD${i}\r\n`).join('');
      client.write(lines);
      for (let i = 0; i < 100; i++) {
        expect(await client.readLine()).toBe(
          err(rfcDialect.texts.unknownCommand(`XBAD${i}`, 'AUTHORIZATION')),
        );
      }
      expect((await client.multi('CAPA')).status).toMatch(OK);
      client.destroy();
    });
  });

  test('Dovecot: the 3rd unknown command before login closes the session with its notice', async () => {
    const max = dovecotDialect.maxBadCommands.AUTHORIZATION!;
    await withMailbox(
      THREE,
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        const verbs = Array.from({ length: max }, (_, i) => `XBAD${i}`);
        client.write(verbs.map((v) => `${v}\r\n`).join(''));
        const expected = [
          ...verbs.map((v) => `${err(dovecotDialect.texts.unknownCommand(v, 'AUTHORIZATION'))}\r\n`),
          `${err(dovecotDialect.texts.tooManyBadCommands('AUTHORIZATION'))}\r\n`,
        ].join('');
        expect((await client.readToEnd()).toString('latin1')).toBe(expected);
        expect((await pop3.sessionEnd()).endReason).toBe('server-closed');
      },
      { dialect: dovecotDialect },
    );
  });

  test('a success resets the count; the limit after login closes without UPDATE', async () => {
    await withMailbox(
      THREE,
      async (pop3) => {
        const client = await login(pop3);
        expect(await client.command('DELE 1')).toMatch(OK);
        // max - 1 failures, a success, max - 1 failures: still open.
        for (const _ of [1, 2]) expect(await client.command('RETR 99')).toMatch(/^-ERR/);
        expect(await client.command('NOOP')).toMatch(OK);
        for (const _ of [1, 2]) expect(await client.command('RETR 99')).toMatch(/^-ERR/);
        expect(await client.command('NOOP')).toMatch(OK);
        // Three in a row: the reply, the notice, FIN.
        client.write('RETR 99\r\nRETR 98\r\nRETR 97\r\nNOOP\r\n');
        const rest = (await client.readToEnd()).toString('latin1').split('\r\n');
        expect(rest).toEqual([
          ...['99', '98', '97'].map((n) => err(strict.texts.noSuchMessage(n, 3))),
          err(strict.texts.tooManyBadCommands('TRANSACTION')),
          '',
        ]);
        const record = await pop3.sessionEnd();
        expect(record.endReason).toBe('server-closed');
        expect(record.deleted).toEqual([]);
        expect(pop3.mailbox(USER).messages()).toHaveLength(3);
        expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      },
      { dialect: strict },
    );
  });
});

describe('autologout', () => {
  const AUTOLOGOUT = 200;

  test('§8 an idle session is closed at the timer, silently (RFC dialect), without UPDATE', async () => {
    await withMailbox(
      THREE,
      async (pop3) => {
        const client = await login(pop3);
        expect(await client.command('DELE 1')).toMatch(OK);
        const idleFrom = Date.now();
        const rest = await client.readToEnd();
        expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(AUTOLOGOUT - 5);
        expect(rest.toString('latin1')).toBe('');
        const record = await pop3.sessionEnd();
        expect(record.endReason).toBe('autologout');
        expect(record.deleted).toEqual([]);
        expect(pop3.mailbox(USER).messages()).toHaveLength(3);
        expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
      },
      { autologoutMs: AUTOLOGOUT },
    );
  });

  test('§8 Dovecot says why before closing an idle session, even before login', async () => {
    await withMailbox(
      THREE,
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        const rest = await client.readToEnd();
        expect(rest.toString('latin1')).toBe(`${err(dovecotDialect.texts.autologout!)}\r\n`);
        expect((await pop3.sessionEnd()).endReason).toBe('autologout');
      },
      { dialect: dovecotDialect, autologoutMs: AUTOLOGOUT },
    );
  });

  test('§8 a trickling client (one byte at a time, never a whole line in time) is logged out', async () => {
    await withMailbox(
      THREE,
      async (pop3) => {
        const client = await login(pop3);
        const loggedInAt = Date.now();
        // One byte every 40 ms: "NOOP\r\n" takes 240 ms, longer than the timer.
        const drip = Buffer.from('NOOP\r\n'.repeat(100));
        let sent = 0;
        const timer = setInterval(() => {
          if (!client.isClosed) client.write(drip.subarray(sent, ++sent));
        }, 40);
        try {
          const rest = await client.readToEnd();
          expect(rest.toString('latin1')).toBe('');
        } finally {
          clearInterval(timer);
        }
        expect(Date.now() - loggedInAt).toBeGreaterThanOrEqual(AUTOLOGOUT - 5);
        expect(sent).toBeGreaterThan(0);
        const record = await pop3.sessionEnd();
        expect(record.endReason).toBe('autologout');
        expect(record.commands()).toEqual(['USER alice', 'PASS ******']);
      },
      { autologoutMs: AUTOLOGOUT },
    );
  });

  test('§8 idle sessions of two servers on one clock end each at its own period; a command postpones only its own', async () => {
    const clock = new FakeClock();
    const users = { [USER]: { password: PASSWORD, messages: [...THREE] } };
    const short = await startPop3Mock({ users, clock, autologoutMs: 1_000, dialect: dovecotDialect });
    const long = await startPop3Mock({ users, clock, autologoutMs: 5_000, dialect: dovecotDialect });
    try {
      // The long period's session first: the shared timer, set for it, must be set sooner for the others.
      const c = await RawClient.connect(long.port);
      const [a, b] = await Promise.all([RawClient.connect(short.port), RawClient.connect(short.port)]);
      const loggedOut = `${err(dovecotDialect.texts.autologout!)}\r\n`;
      clock.advance(800);
      expect((await b.multi('CAPA')).status).toMatch(OK);
      clock.advance(300); // 1,100 ms: a's period is over; b's began again at 800.
      expect((await within(a.readToEnd(), 5_000, 'a logged out')).toString('latin1')).toBe(loggedOut);
      expect(b.isClosed).toBe(false);
      expect((await b.multi('CAPA')).status).toMatch(OK);
      clock.advance(1_000); // 2,100 ms: b was last heard of at 1,100.
      expect((await within(b.readToEnd(), 5_000, 'b logged out')).toString('latin1')).toBe(loggedOut);
      expect((await c.multi('CAPA')).status).toMatch(OK);
      clock.advance(4_999); // 7,099 ms: c was last heard of at 2,100.
      expect((await c.multi('CAPA')).status).toMatch(OK);
      clock.advance(5_000);
      expect((await within(c.readToEnd(), 5_000, 'c logged out')).toString('latin1')).toBe(loggedOut);
      expect((await short.sessionEnd(short.sessions[1])).endReason).toBe('autologout');
      expect((await long.sessionEnd()).endReason).toBe('autologout');
    } finally {
      await Promise.all([short.close(), long.close()]);
    }
    expect(clock.pending()).toBe(0);
  });

  /** A session of the default ten minutes, ended: it leaves the system clock's shared timer set. */
  const sessionOfTheDefaultPeriod = () =>
    withMailbox(THREE, async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('QUIT')).toMatch(OK);
      await client.closed();
    });
  /** A session of AUTOLOGOUT ms is logged out at its timer (a lower bound on elapsed time), within 5 s. */
  const loggedOutAtItsTimer = () =>
    withMailbox(
      THREE,
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        expect(await client.command(`USER ${USER}`)).toMatch(OK);
        // The timer starts when the server takes PASS, after this: a lower bound however late
        // this process reads the reply (taken after it, a busy worker made it fail).
        const idleFrom = performance.now();
        expect(await client.command(`PASS ${PASSWORD}`)).toMatch(OK);
        expect((await within(client.readToEnd(), 5_000, 'logged out')).toString('latin1')).toBe('');
        expect(performance.now() - idleFrom).toBeGreaterThanOrEqual(AUTOLOGOUT - 5);
        expect((await pop3.sessionEnd()).endReason).toBe('autologout');
      },
      { autologoutMs: AUTOLOGOUT },
    );

  test('§8 a short period after a session of the default one: logged out at its own timer, not the earlier one', async () => {
    // The sessions of the system clock share one timer, which a session of the
    // default ten minutes leaves set; a shorter period must set it sooner.
    await sessionOfTheDefaultPeriod();
    await loggedOutAtItsTimer();
  });

  test('§8 the date set an hour forward after a session of the default period: a short period still ends at its timer', async () => {
    // The shared timer runs on elapsed time; the deadlines are dates. Compared
    // as dates, the timer the first session left set (ten minutes) looked
    // sooner than the new session's end, and the new session waited for it.
    await sessionOfTheDefaultPeriod();
    const realNow = Date.now.bind(Date);
    const jumped = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000);
    try {
      await loggedOutAtItsTimer();
    } finally {
      jumped.mockRestore();
    }
  });

  test('§8 a client that stops reading mid-RETR of a large message is still logged out at the timer', async () => {
    await withMailbox(
      [bigMessage(FIVE_MB)],
      async (pop3) => {
        const client = await login(pop3);
        // Read the first chunk, then never again: the server's writes back up.
        const firstChunk = new Promise<void>((resolve) =>
          client.socket.once('data', () => {
            client.socket.pause();
            resolve();
          }),
        );
        client.write('RETR 1\r\n');
        await firstChunk;
        const record = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 1_500 });
        expect(record.endReason).toBe('autologout');
        expect(pop3.transcript()).toContain('-- reply cut');
        expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
        client.destroy();
      },
      { autologoutMs: AUTOLOGOUT },
    );
  });
});
