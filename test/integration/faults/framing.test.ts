// Faults on how reply bytes are framed: fragment, noTerminator, and the STLS
// faults failHandshake and injectAfterReply.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, on, type Pop3Mock, type Pop3MockOptions, rfcDialect, startPop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { runCurl } from '../../helpers/clients/curl';
import { FakeClock } from '../../helpers/fake-clock';
import { RawClient } from '../../helpers/raw-client';
import { within } from '../../helpers/within';
import { connectStls } from '../extensions/helpers';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  MESSAGES,
  observe,
  observeLoggedIn,
  PASSWORD,
  python,
  pythonRetrWithShortTimeout,
  receivedLines,
  receivedText,
  retrData,
  sizeOf,
  startError,
  USER,
  warmPython,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();
warmPython();
installPop3Matchers();

const fullRetr = (raw: string) =>
  Buffer.concat([Buffer.from(`+OK ${sizeOf(raw)} octets\r\n`), retrData(raw)]);

/** poplib's lines for a message: the wire form split on CRLF. */
const pyLines = (raw: string) => wireOf(raw).toString('latin1').split('\r\n').slice(0, -1);

describe('fragment()', () => {
  test("§27 fragment('bytes'): the client sees many small reads, the bytes unchanged", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('RETR').fragment('bytes');
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port, { noDelay: true });
      client.socket.write('RETR 1\r\n');
      const expected = fullRetr(MESSAGES[0]!);
      const got = await client.received(expected.length);
      expect(got.equals(expected)).toBe(true);
      // One octet per write: a reply of ~90 octets cannot arrive in a couple of reads.
      expect(client.chunks.length).toBeGreaterThanOrEqual(10);
      expect(Math.max(...client.chunks.map((c) => c.length))).toBeLessThan(expected.length / 2);
      client.socket.destroy();
      expectFault(pop3, pop3.sessions[0]!, rule, 'fragment');
    });
  });

  test("§27 fragment('split-crlf'): CRLFs arrive split across reads, the bytes unchanged", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('RETR').fragment('split-crlf');
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port, { noDelay: true });
      client.socket.write('RETR 1\r\n');
      const expected = fullRetr(MESSAGES[0]!);
      const got = await client.received(expected.length);
      expect(got.equals(expected)).toBe(true);
      const splitAtCr = client.chunks.filter((c) => c[c.length - 1] === 0x0d).length;
      expect(splitAtCr).toBeGreaterThanOrEqual(3);
      client.socket.destroy();
      expectFault(pop3, pop3.sessions[0]!, rule, 'fragment');
    });
  });

  test.each(['bytes', 'split-crlf'] as const)(
    "Python poplib still parses a fragment('%s') RETR",
    async (mode) => {
      await withMock(aliceAndBob(), async (pop3) => {
        await pop3.use(on('RETR').fragment(mode));
        const py = await python(pop3.port, [
          ['user', USER],
          ['pass_', PASSWORD],
          ['retr', 2],
        ]);
        expect(py[3]).toEqual({
          ok: [`+OK ${sizeOf(MESSAGES[1]!)} octets`, pyLines(MESSAGES[1]!), sizeOf(MESSAGES[1]!)],
        });
      });
    },
  );

  // A client that starts its handshake on the last octet of +OK sent it after the reply: it is no
  // line pipelined before TLS, and the fragmented +OK must not make it one.
  test.each(['bytes', 'split-crlf'] as const)(
    "a fragment('%s') STLS +OK: Python stls() reads it and the handshake completes",
    async (mode) => {
      await withMock(aliceAndBob(), async (pop3) => {
        const rule = on('STLS').fragment(mode);
        await pop3.use(rule);
        const py = await python(pop3.port, [
          ['stls', pop3.tls.ca],
          ['user', USER],
          ['pass_', PASSWORD],
          ['stat'],
        ]);
        expect(py.slice(1)).toEqual([
          { ok: expect.stringMatching(/^\+OK/) },
          { ok: expect.stringMatching(/^\+OK/) },
          { ok: expect.stringMatching(/^\+OK/) },
          { ok: [MESSAGES.length, MESSAGES.reduce((n, m) => n + sizeOf(m), 0)] },
        ]);
        const session = await pop3.sessionEnd();
        expect(session.tls).toBe('stls');
        expectFault(pop3, session, rule, 'fragment');
      });
    },
  );

  test("§27 on('greeting').fragment(): the greeting comes in many writes; Python reads it whole", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('greeting').fragment();
      await pop3.use(rule);
      const client = await observe(pop3.port, { noDelay: true });
      const greeting = await receivedLines(client, 1);
      expect(greeting.toString()).toBe('+OK pop3-mock ready\r\n');
      expect(client.chunks.length).toBeGreaterThanOrEqual(5);
      client.socket.destroy();
      expectFault(pop3, pop3.sessions[0]!, rule, 'fragment');

      const py = await python(pop3.port, [['user', USER], ['pass_', PASSWORD], ['stat']]);
      expect(py[0]).toEqual({ ok: '+OK pop3-mock ready' });
      expect(py[3]).toEqual({ ok: [MESSAGES.length, MESSAGES.reduce((n, m) => n + sizeOf(m), 0)] });
    });
  });
});

describe('noTerminator()', () => {
  test('§27 RETR without the `.` line: the next reply follows the data directly', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('RETR').noTerminator();
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('RETR 2\r\nNOOP\r\n');
      const got = await receivedLines(client, wireOf(MESSAGES[1]!).toString().split('\r\n').length + 1);
      const data = stuffedOnly(MESSAGES[1]!);
      expect(got.toString('latin1')).toBe(`+OK ${sizeOf(MESSAGES[1]!)} octets\r\n${data}+OK\r\n`);
      client.socket.destroy();
      expectFault(pop3, pop3.sessions[0]!, rule, 'no-terminator');
      // The transcript shows what went out: the data, no `.` line, and the terminator's 3 octets missing.
      const record = await pop3.sessionEnd();
      const head = `+OK ${sizeOf(MESSAGES[1]!)} octets`;
      const sent = Buffer.byteLength(`${head}\r\n${data}`);
      const lines = record.render().split('\n');
      const retr = lines.indexOf('C: RETR 2');
      expect(lines.slice(retr + 2, retr + 5)).toEqual([
        `S: ${head}`,
        `S: [${Buffer.byteLength(data)} octets of data]`,
        `-- reply cut after ${sent} of ${sent + 3} octets; the rest never reached the client`,
      ]);
      expect(record.replies().find((r) => r.line === head)).toMatchObject({
        bytes: sent,
        wholeBytes: sent + 3,
      });
    });
  });

  test('a LIST without its `.` line is recorded as cut before it: no `S: .` in the transcript', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('LIST').noTerminator());
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('LIST\r\nNOOP\r\n');
      const got = await receivedLines(client, MESSAGES.length + 2);
      const total = MESSAGES.reduce((sum, m) => sum + sizeOf(m), 0);
      const listing = `+OK ${MESSAGES.length} messages (${total} octets)\r\n${MESSAGES.map((m, i) => `${i + 1} ${sizeOf(m)}\r\n`).join('')}`;
      expect(got.toString('latin1')).toBe(`${listing}+OK\r\n`);
      client.socket.destroy();
      const record = await pop3.sessionEnd();
      const sent = Buffer.byteLength(listing);
      expect(
        record.replies().find((r) => r.line === `+OK ${MESSAGES.length} messages (${total} octets)`),
      ).toMatchObject({
        bytes: sent,
        wholeBytes: sent + 3,
      });
      expect(record.render()).not.toMatch(/^S: \.$/m);
    });
  });

  test('Python poplib waits for the terminator and times out', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('RETR').noTerminator());
      expect(await pythonRetrWithShortTimeout(pop3.port)).toEqual({
        raised: 'TimeoutError',
        message: 'timed out',
      });
    });
  });
});

/** The stuffed data lines of a message, without the terminator. */
function stuffedOnly(raw: string): string {
  const data = retrData(raw).toString('latin1');
  return data.slice(0, -'.\r\n'.length);
}

describe('STLS faults', () => {
  /** Runs curl with `--ssl-reqd`, trusting the mock's CA. */
  async function curlTls(pop3: Pop3Mock) {
    const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-faults-'));
    try {
      const ca = join(dir, 'ca.pem');
      await writeFile(ca, pop3.tls.ca);
      return await runCurl([`${pop3.url}/1`, '-u', `${USER}:${PASSWORD}`, '--ssl-reqd', '--cacert', ca]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  test('§27 failHandshake on STLS: curl --ssl-reqd exits 35 and never sends credentials', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      // Control: without the fault the same curl command works.
      const control = await curlTls(pop3);
      expect(control.code).toBe(0);
      expect(control.stdout.equals(wireOf(MESSAGES[0]!))).toBe(true);

      const rule = on('STLS').failHandshake();
      await pop3.use(rule);
      const failed = await curlTls(pop3);
      expect(failed.code).toBe(35); // CURLE_SSL_CONNECT_ERROR
      expect(failed.stderr.toString()).toMatch(/SSL|TLS/);
      const session = await pop3.sessionEnd();
      expect(session.endReason).toBe('fault');
      expect(session.commands()).toEqual(['CAPA', 'STLS']);
      expect(session.tls).toBe('none');
      expectFault(pop3, session, rule, 'stls-handshake-failure');
      // The handshake failed, by the server's doing: a TLS failure, no refusal.
      expect(session.tlsFailure).toMatchObject({ mode: 'stls', cause: 'server-ended', refused: false });
      expect(session.tlsRefusal).toBeUndefined();
    });
  });

  test('failHandshake with plaintext pipelined after STLS: those lines are recorded as dropped, as a real STLS drops them', async () => {
    // A STARTTLS injection (RFC 2595 §2.5's class): USER sent in the same write as STLS. A test
    // asking whether its client leaked it must see it in both cases, fault or none.
    const dropped = async (pop3: Pop3Mock) => {
      const client = await RawClient.connect(pop3.port);
      client.write('STLS\r\nUSER evil\r\n');
      expect(await client.readLine()).toMatch(/^\+OK/);
      // Not a ClientHello: the handshake fails either way, once the server has read it.
      client.write('not a handshake\r\n');
      const session = await pop3.sessionEnd();
      client.socket.destroy();
      // Lines after STLS only: what the client sent in place of a handshake is another record.
      return session.events.flatMap((e) =>
        e.type === 'plaintext-dropped' && e.cause === 'after-stls' ? [e.raw] : [],
      );
    };
    await withMock(aliceAndBob(), async (pop3) => {
      expect(await dropped(pop3)).toEqual(['USER evil']);
      await pop3.use(on('STLS').failHandshake());
      expect(await dropped(pop3)).toEqual(['USER evil']);
    });
  });

  test('failHandshake with many lines pipelined after STLS: what the client sends next is still read, as a real STLS reads it', async () => {
    // Enough lines to pause the socket (input backpressure); the real STLS resumes it for the handshake.
    const many = async (pop3: Pop3Mock) => {
      const client = await RawClient.connect(pop3.port);
      client.write(`STLS\r\n${'NOOP\r\n'.repeat(100)}`);
      expect(await client.readLine()).toMatch(/^\+OK/);
      client.write('not a handshake\r\n');
      await within(client.readToEnd(), 5000, 'the close after plaintext instead of a handshake');
      const session = await pop3.sessionEnd();
      return { endReason: session.endReason, cause: session.tlsFailure?.cause };
    };
    await withMock(aliceAndBob(), async (pop3) => {
      const without = await many(pop3);
      expect(without).toEqual({ endReason: 'server-closed', cause: 'not-tls' });
      await pop3.use(on('STLS').failHandshake());
      expect(await many(pop3)).toEqual(without);
    });
  });

  test('failHandshake, then USER and PASS in plaintext instead of a handshake: recorded as dropped, as a real STLS records them', async () => {
    // The client ignores STLS's +OK and sends its password in the clear. Without the fault that
    // is a plaintext-dropped event and credentialsInPlaintext (docs/TLS.md); the fault must not hide it.
    const instead = async (pop3: Pop3Mock) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK/);
      client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`);
      await client.readToEnd();
      const session = await pop3.sessionEnd();
      return session
        .toJSON()
        .events.flatMap((e) => (e.type === 'plaintext-dropped' ? [[e.raw, e.cause]] : []));
    };
    const expected = [
      [`USER ${USER}`, 'instead-of-handshake'],
      ['PASS ******', 'instead-of-handshake'],
    ];
    await withMock(aliceAndBob(), async (pop3) => {
      expect(await instead(pop3)).toEqual(expected);
      await pop3.reset();
      await pop3.use(on('STLS').failHandshake());
      expect(await instead(pop3)).toEqual(expected);
      expect(pop3.sessions[0]!.render()).toContain(
        'C: PASS ******   <- dropped unread: sent instead of the TLS handshake',
      );
      expect(() => expect(pop3).toHaveRefusedTls()).toThrow(
        /Credentials sent in plaintext:\n {2}session \d+: USER alice \(dropped unread: instead-of-handshake\)/,
      );
    });
  });

  test("failHandshake, then plaintext instead of a handshake: not-tls and the server's close, as without the fault", async () => {
    // The client ignored the +OK: it never tried TLS, so toHaveTlsFailure must say not-tls, not
    // that the server ended a handshake; and nothing follows (junk would read as a reply to USER).
    const instead = async (pop3: Pop3Mock) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK/);
      client.write(`USER ${USER}\r\n`);
      const after = (await client.readToEnd()).toString('latin1');
      const session = await pop3.sessionEnd();
      return { after, endReason: session.endReason, cause: session.tlsFailure?.cause };
    };
    await withMock(aliceAndBob(), async (pop3) => {
      const without = await instead(pop3);
      expect(without).toEqual({ after: '', endReason: 'server-closed', cause: 'not-tls' });
      const rule = on('STLS').failHandshake();
      await pop3.use(rule);
      expect(await instead(pop3)).toEqual(without);
      expectFault(pop3, pop3.sessions[1]!, rule, 'stls-handshake-failure');
      expect(pop3).toHaveTlsFailure({ cause: 'not-tls', sessionId: 2 });
      expect(pop3).not.toHaveTlsFailure({ cause: 'server-ended' });
    });
  });

  test('failHandshake, then the client closes without a byte: its close, recorded as a real STLS records it', async () => {
    // A client that gives up after STLS's +OK: the server never sent its junk, the client left first.
    const leaves = async (pop3: Pop3Mock, how: 'end' | 'destroy') => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK/);
      client.socket[how]();
      const session = await pop3.sessionEnd();
      return { endReason: session.endReason, cause: session.tlsFailure?.cause };
    };
    const expected = { endReason: 'client-closed', cause: 'no-handshake' };
    await withMock(aliceAndBob(), async (pop3) => {
      expect(await leaves(pop3, 'end')).toEqual(expected);
      await pop3.use(on('STLS').failHandshake());
      for (const how of ['end', 'destroy'] as const) {
        expect(await leaves(pop3, how)).toEqual(expected);
      }
      expect(pop3.sessions.map((s) => s.faults.length)).toEqual([0, 1, 1]);
      expect(pop3).toHaveTlsFailure({ cause: 'no-handshake', sessionId: 2 });
      expect(pop3).not.toHaveTlsFailure({ cause: 'server-ended' });
    });
  });

  test('failHandshake, then a client that stalls after the +OK: logged out as without the fault, and recorded alike', async () => {
    // Once its +OK is out the fault holds no reply: a client that sends nothing is idle, fault or
    // none. The autologout ends it; nothing more reaches the wire (no junk, no -ERR in plaintext).
    const clock = new FakeClock();
    const stalls = async (pop3: Pop3Mock) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK/);
      clock.advance(1000);
      const after = await within(client.readToEnd(), 5000, 'the autologout after STLS');
      const session = await pop3.sessionEnd();
      const { mode, cause, refused } = session.tlsFailure ?? {};
      return {
        after: after.toString('latin1'),
        endReason: session.endReason,
        tlsFailure: { mode, cause, refused },
        unsent: session.events.flatMap((e) => (e.type === 'reply-unsent' ? [e.line] : [])),
      };
    };
    for (const dialect of ['rfc', 'dovecot'] as const) {
      await withMock(aliceAndBob({ dialect, autologoutMs: 1000, clock }), async (pop3) => {
        const without = await stalls(pop3);
        expect(without).toMatchObject({
          after: '',
          endReason: 'autologout',
          tlsFailure: { mode: 'stls', cause: 'server-ended', refused: false },
        });
        const rule = on('STLS').failHandshake();
        await pop3.use(rule);
        expect(await stalls(pop3)).toEqual(without);
        const faulted = pop3.sessions[1]!;
        expectFault(pop3, faulted, rule, 'stls-handshake-failure');
        expect(faulted.render()).toMatch(/^-- TLS handshake failed \(STLS\): the server ended/m);
        expect(pop3).toHaveTlsFailure({ cause: 'server-ended', sessionId: 2 });
        expect(pop3).not.toHaveRefusedTls();
      });
    }
  });

  test('failHandshake, then close() before the client sends a byte: the server closed it, as without the fault', async () => {
    const closedBefore = async (fault: boolean) => {
      const pop3 = await startPop3Mock(aliceAndBob());
      if (fault) await pop3.use(on('STLS').failHandshake());
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK/);
      const session = pop3.sessions[0]!;
      await pop3.close();
      const after = (await client.readToEnd()).toString('latin1');
      return {
        after,
        endReason: session.endReason,
        cause: session.tlsFailure?.cause,
        faults: session.faults.length,
      };
    };
    const expected = { after: '', endReason: 'server-closed', cause: 'server-ended' };
    expect(await closedBefore(false)).toEqual({ ...expected, faults: 0 });
    expect(await closedBefore(true)).toEqual({ ...expected, faults: 1 });
  });

  test('failHandshake on STLS: Python stls() raises an SSL error', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('STLS').failHandshake());
      const py = await python(pop3.port, [
        ['stls', pop3.tls.ca],
        ['user', USER],
      ]);
      expect(py).toHaveLength(2);
      expect((py[1] as { raised: string }).raised).toMatch(/^SSL\w*Error$/);
    });
  });

  test('failHandshake on a rule for other verbs only touches STLS', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('*').failHandshake();
      await pop3.use(rule);
      const client = await observeLoggedIn(pop3.port);
      client.socket.write('NOOP\r\n');
      expect((await receivedLines(client, 1)).toString()).toBe('+OK\r\n');
      client.socket.destroy();
      // Matched on other verbs, it never fired: no hit, no fault in the session.
      expect(pop3.sessions[0]!.faults).toEqual([]);
      expect(pop3.rules().map((r) => r.hits)).toEqual([0]);
      expect(pop3.pendingRules().map((r) => r.id)).toEqual([rule.id]);
    });
  });

  const ALREADY_ACTIVE = new RegExp(`^-ERR ${rfcDialect.texts.tlsAlreadyActive}$`);
  // failHandshake stands for STLS's +OK: where STLS itself is refused, the
  // client gets that -ERR, the session goes on, and the rule has not fired.
  // On a server whose STLS starts no TLS the rule could never fire: every door that knows the
  // server refuses it, so no test believes it set a fault its server could never make.
  const NO_STLS: [string, Pop3MockOptions, string][] = [
    ['with tls: false', { tls: false }, 'tls: false'],
    ['with capabilities.stls: false', { capabilities: { stls: false } }, 'capabilities.stls: false'],
    [
      'of a dialect without STLS',
      { dialect: 'rfc1939-minimal' },
      'the "rfc1939-minimal" dialect offers none',
    ],
  ];
  const UNFIREABLE = 'expected a server whose STLS starts TLS: STLS is off here';

  test.each(NO_STLS)(
    'failHandshake on a server %s: use() refuses it, nothing stored',
    async (_, options, why) => {
      await withMock(aliceAndBob(options), async (pop3) => {
        const refused = await pop3.use(on('STLS').failHandshake()).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(InputError);
        expect(refused).toMatchObject({ path: 'rules[0].action.type' });
        expect((refused as Error).message).toBe(
          `use(): rules[0].action.type: ${UNFIREABLE} (${why}), so a failed handshake could never happen`,
        );
        expect(pop3.rules()).toEqual([]);
      });
    },
  );

  test.each(NO_STLS)(
    'failHandshake in the faults option of a server %s: the start is refused, naming the rule',
    async (_, options, why) => {
      const faults = [on('RETR').delay(1), on('STLS').failHandshake()];
      const refused = await startError(aliceAndBob({ ...options, faults }));
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as Error).message).toBe(
        `pop3-mock options: faults[1].action.type: ${UNFIREABLE} (${why}), so a failed handshake could never happen`,
      );
    },
  );

  test.each(NO_STLS)(
    'failHandshake in the faults file of a server %s: the start is refused, naming the file',
    async (_, options, why) => {
      const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-faults-'));
      try {
        const file = join(dir, 'stls.json');
        await writeFile(file, JSON.stringify([on('STLS').failHandshake()]));
        const refused = await startError(aliceAndBob({ ...options, faults: file }));
        expect(refused).toBeInstanceOf(InputError);
        expect((refused as Error).message).toBe(
          `fault rules ${file}: [0].action.type: ${UNFIREABLE} (${why}), so a failed handshake could never happen`,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  test('failHandshake in the faults option and file of a server with STLS: taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-faults-'));
    try {
      const file = join(dir, 'stls.json');
      await writeFile(file, JSON.stringify([on('STLS').failHandshake()]));
      for (const faults of [[on('STLS').failHandshake()], file]) {
        const pop3 = await startPop3Mock(aliceAndBob({ faults }));
        try {
          expect(pop3.rules().map((r) => r.rule.action.type)).toEqual(['stls-handshake-failure']);
        } finally {
          await pop3.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.each<[string, Pop3MockOptions, (pop3: Pop3Mock) => Promise<RawClient>, string, RegExp]>([
    ['in TRANSACTION', {}, (p) => RawClient.login(p.port, USER, PASSWORD), 'STLS', /^-ERR /],
    ['with an argument', {}, (p) => RawClient.connect(p.port), 'STLS now', /^-ERR /],
    ['after a completed STLS', {}, connectStls, 'STLS', ALREADY_ACTIVE],
    [
      'on the POP3S port',
      { tlsPort: 0 },
      (p) => RawClient.connectTls(p.tlsPort!, p.tls.ca),
      'STLS',
      ALREADY_ACTIVE,
    ],
  ])(
    'failHandshake on STLS %s: the normal -ERR, no hit, no fault recorded',
    async (_, options, open, line, reply) => {
      await withMock(aliceAndBob(options), async (pop3) => {
        // Set once the client is where the case puts it (past its own STLS, for one).
        const client = await open(pop3);
        const rule = on('STLS').failHandshake();
        await pop3.use(rule);
        expect(await client.command(line)).toMatch(reply);
        // The same connection goes on as POP3 (no junk, no close).
        expect(await client.command('NOOP')).toMatch(/^(\+OK|-ERR)/);
        expect(await client.command('QUIT')).toMatch(/^\+OK/);
        const session = await pop3.sessionEnd();
        expect(session.endReason).not.toBe('fault');
        expect(session.faults).toEqual([]);
        expect(pop3.rules().map((r) => r.hits)).toEqual([0]);
        expect(pop3.pendingRules().map((r) => r.id)).toEqual([rule.id]);
      });
    },
  );

  test('failHandshake once(): an STLS refused on POP3S does not use it up; the next plaintext STLS gets it', async () => {
    await withMock(aliceAndBob({ tlsPort: 0 }), async (pop3) => {
      const rule = on('STLS').once().failHandshake();
      await pop3.use(rule);
      const secure = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca);
      expect(await secure.command('STLS')).toMatch(/^-ERR /);
      expect(await secure.command('QUIT')).toMatch(/^\+OK/);
      await pop3.sessionEnd();
      const failed = await curlTls(pop3);
      expect(failed.code).toBe(35); // CURLE_SSL_CONNECT_ERROR
      const session = await pop3.sessionEnd(2);
      expect(session.endReason).toBe('fault');
      expectFault(pop3, session, rule, 'stls-handshake-failure');
      expect(pop3.sessions.map((s) => s.faults.length)).toEqual([0, 1]);
    });
  });

  test('§27 injectAfterReply on STLS: the fake line arrives right after +OK in the same read', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('STLS').injectAfterReply('+OK injected', '-ERR also injected');
      await pop3.use(rule);
      const client = await observe(pop3.port);
      await receivedLines(client, 1);
      client.chunks.length = 0;
      client.socket.write('STLS\r\n');
      await receivedText(client, 'also injected\r\n');
      expect(client.chunks[0]!.toString()).toBe(
        '+OK Begin TLS negotiation\r\n+OK injected\r\n-ERR also injected\r\n',
      );
      client.socket.destroy();
      const session = pop3.sessions[0]!;
      expect(session.commands()).toEqual(['STLS']);
      expectFault(pop3, session, rule, 'inject-after-reply');
    });
  });

  test("injected lines are the fault's, not the reply's: the transcript frames the reply as it was, the fault names the lines", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const onStat = on('STAT').injectAfterReply('* extra');
      const onRetr = on('RETR').injectAfterReply('+OK surprise');
      await pop3.use(onStat, onRetr);
      const client = await observeLoggedIn(pop3.port);
      client.chunks.length = 0;
      client.socket.write('STAT\r\nRETR 1\r\nQUIT\r\n');
      const stat = `+OK ${MESSAGES.length} ${MESSAGES.reduce((sum, m) => sum + sizeOf(m), 0)}`;
      const retr = `+OK ${sizeOf(MESSAGES[0]!)} octets`;
      await receivedText(client, 'signing off');
      expect(Buffer.concat(client.chunks).toString('latin1')).toContain(
        `${stat}\r\n* extra\r\n${retr}\r\n${retrData(MESSAGES[0]!).toString('latin1')}+OK surprise\r\n`,
      );
      const record = await pop3.sessionEnd();
      const replies = record.replies();
      expect(replies.find((r) => r.line === stat)!.bytes).toBe(stat.length + 2);
      expect(replies.find((r) => r.line === retr)!.bytes).toBe(
        retr.length + 2 + retrData(MESSAGES[0]!).length,
      );
      const lines = record.render().split('\n');
      const at = lines.indexOf('C: STAT');
      expect(lines.slice(at + 2, at + 4)).toEqual([`S: ${stat}`, 'C: RETR 1']);
      expect(lines.slice(at + 5, at + 8)).toEqual([
        `S: ${retr}`,
        `S: [${retrData(MESSAGES[0]!).length - 3} octets of data]`,
        'S: .',
      ]);
    });
  });

  test('a client that hangs up (FIN) on the injected STLS reply ends the session', async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('STLS').injectAfterReply('+OK injected'));
      const client = await observe(pop3.port);
      await receivedLines(client, 1);
      client.socket.write('STLS\r\n');
      await receivedText(client, 'injected\r\n');
      // A careful client refuses a reply with more lines after "+OK Begin TLS" and closes.
      client.socket.destroy();
      const session = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 1000 });
      expect(session.endReason).toBe('client-closed');
    });
  });
});
