import { connect } from 'node:net';
import { type BuiltRule, connection, connectPop3Mock, on, type Pop3Event, type Pop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
// The class (the package exports its type): toJSON's way back, as the remote client takes it.
import { SessionRecord } from '../../../src/transcript/session-record';
import { failOnHostErrors } from '../../helpers/host-errors';
import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER, withMock } from '../../helpers/with-mock';

// A reply cut short by a fault (closeAfterBytes, resetAfterBytes) is recorded
// with `wholeBytes`, and every printed form shows what reached the client:
// the part of the first line that went out, the data octets that did, no
// `S: .` unless the terminator went out whole, and where it was cut.

failOnHostErrors();
installPop3Matchers();

const BODY = `Subject: a\r\n\r\n${'line of the body\r\n'.repeat(20)}`;
/** RETR 1's status line, its octets with CRLF, and the whole reply's octets (no line to dot-stuff). */
const SIZE = Buffer.byteLength(BODY);
const LINE = `+OK ${SIZE} octets`;
const HEAD = LINE.length + 2;
const WHOLE = HEAD + SIZE + 3;
const cutNote = (sent: number) =>
  `-- reply cut after ${sent} of ${WHOLE} octets; the rest never reached the client`;

const CASES: [string, BuiltRule, number, string[]][] = [
  [
    'closeAfterBytes(40), inside the data',
    on('RETR').closeAfterBytes(40),
    40,
    [`S: ${LINE}`, `S: [${40 - HEAD} of ${SIZE} octets of data]`, cutNote(40)],
  ],
  [
    'resetAfterBytes(9), inside the first line',
    on('RETR').resetAfterBytes(9),
    9,
    [`S: ${LINE.slice(0, 9)}   <- cut here`, cutNote(9)],
  ],
  [
    'closeAfterBytes at the end of the first line',
    on('RETR').closeAfterBytes(HEAD),
    HEAD,
    [`S: ${LINE}`, cutNote(HEAD)],
  ],
  [
    'closeAfterBytes one octet before the end of the terminator',
    on('RETR').closeAfterBytes(WHOLE - 1),
    WHOLE - 1,
    [`S: ${LINE}`, `S: [${SIZE} octets of data]`, 'S: .\\x0d   <- cut here', cutNote(WHOLE - 1)],
  ],
];

/** A session that logs in, sends RETR 1 under `rule` and reads until the server closes: the octets it got. */
async function cutRetr(pop3: Pop3Mock, rule: BuiltRule): Promise<Buffer> {
  await pop3.use(rule);
  const client = await RawClient.login(pop3.port, USER, PASSWORD);
  client.write('RETR 1\r\n');
  return client.readToEnd();
}

/**
 * The lines of RETR 1's reply in a rendering: those after `C: RETR 1`, but
 * for the fault's line (its rule id differs), up to the session's end, which
 * comes after the reply: the cut reply is recorded before the close it causes.
 */
function retrLines(lines: readonly string[]): string[] {
  const from = lines.indexOf('C: RETR 1') + 1;
  return lines.slice(from).filter((l) => !l.startsWith('-- fault '));
}

/** The session's end after a cut: the last line of its rendering. */
const ENDED = '-- ended: fault';

const replyEvents = (events: readonly Pop3Event[]) => events.filter((e) => e.type === 'reply');

test.each(CASES)(
  '%s: printed as far as it went out, and recorded as cut',
  async (_name, rule, cut, expected) => {
    const logged: string[] = [];
    await withMock(
      {
        users: { [USER]: { password: PASSWORD, messages: [BODY] } },
        control: true,
        logger: (line) => logged.push(line),
      },
      async (pop3) => {
        const received = await cutRetr(pop3, rule);
        // The client's octets are what the lines below say went out.
        expect(received.length).toBe(cut);
        expect(received.toString('latin1')).toBe(`${LINE}\r\n${BODY}.\r\n`.slice(0, cut));
        const record = await pop3.sessionEnd();
        expect(retrLines(record.render().split('\n'))).toEqual([...expected, ENDED]);
        expect(record.render()).not.toMatch(/^S: \.$/m);
        // The record: the cut reply carries wholeBytes, whole ones do not.
        const replies = record.replies();
        expect(replies.at(-1)).toEqual({
          status: '+OK',
          line: LINE,
          bytes: cut,
          wholeBytes: WHOLE,
          at: expect.any(Number),
        });
        expect(replies.slice(0, -1).every((r) => !('wholeBytes' in r))).toBe(true);
        const events = replyEvents(record.events);
        expect(events.at(-1)).toMatchObject({ bytes: cut, wholeBytes: WHOLE });
        expect(events.slice(0, -1).every((e) => !('wholeBytes' in e))).toBe(true);
        const retr = record.locatedCommands().find((c) => c.verb === 'RETR')!;
        expect(retr.replyCut).toEqual({ bytes: cut, wholeBytes: WHOLE });
        // The JSON export and back.
        const json = record.toJSON();
        expect(retrLines(json.transcript)).toEqual([...expected, ENDED]);
        const back = SessionRecord.fromJSON(JSON.parse(JSON.stringify(json)));
        expect(back.events).toEqual(json.events);
        expect(back.render()).toBe(record.render());
        // The debug log, live.
        expect(retrLines(logged.map((l) => l.replace(/^pop3-mock #\d+ /, '')))).toEqual([...expected, ENDED]);
        // A near miss names the cut.
        const sentLine = cut < LINE.length ? LINE.slice(0, cut) : LINE;
        const nearMiss = `RETR 1  -> ${sentLine} (reply cut after ${cut} of ${WHOLE} octets)`;
        expect(() => pop3.verify('RETR 2')).toThrow(nearMiss);
        // The same over the control API.
        const remote = await connectPop3Mock({ url: pop3.controlUrl!, token: pop3.controlToken! });
        try {
          const [over] = await remote.listSessions();
          // Real values, as in process; the printed forms mask them.
          expect(over!.events).toEqual(record.toJSON({ secrets: true }).events);
          expect(over!.render()).toContain('C: PASS ******');
          expect(over!.replies().at(-1)).toEqual(replies.at(-1));
          expect(retrLines(over!.render().split('\n'))).toEqual([...expected, ENDED]);
          const located = await remote.waitForCommand('RETR 1', { includePast: true });
          expect(located.replyCut).toEqual({ bytes: cut, wholeBytes: WHOLE });
          expect('replyCut' in (await remote.waitForCommand('USER alice', { includePast: true }))).toBe(
            false,
          );
          await expect(remote.verify('RETR 2')).rejects.toThrow(nearMiss);
        } finally {
          await remote.close();
        }
      },
    );
  },
);

test('a throttled reply the client resets in the middle of: recorded cut, before session-end, and sessionEnd() waits for it', async () => {
  const body = `Subject: slow\r\n\r\n${'a line of a throttled body\r\n'.repeat(200)}`;
  await withMock({ users: { [USER]: { password: PASSWORD, messages: [body] } } }, async (pop3: Pop3Mock) => {
    await pop3.use(on('RETR').throttle({ bytesPerSecond: 4_000 }));
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    let received = 0;
    const someOfIt = new Promise<void>((resolve) =>
      client.socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 400) resolve();
      }),
    );
    client.write('RETR 1\r\n');
    await someOfIt;
    client.reset();
    const record = await pop3.sessionEnd();
    const types = record.events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(['reply', 'session-end']);
    const retr = record.replies().at(-1)!;
    expect(retr.line).toMatch(/^\+OK \d+ octets$/);
    expect(retr.wholeBytes).toBeGreaterThan(retr.bytes);
    expect(retr.bytes).toBeGreaterThanOrEqual(400);
    expect(pop3.transcript().trimEnd().split('\n').at(-1)).toBe('-- ended: client-closed');
  });
});

test('a greeting a connection-wide throttle holds when the client resets: recorded cut, before session-end', async () => {
  await withMock({ users: { [USER]: PASSWORD } }, async (pop3: Pop3Mock) => {
    await pop3.use(connection().throttle({ bytesPerSecond: 10 }));
    // Not RawClient.connect(): that waits for the whole greeting.
    const socket = connect({ port: pop3.port, host: '127.0.0.1' });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.resetAndDestroy();
    const record = await pop3.sessionEnd();
    expect(record.events.map((e) => e.type).slice(-2)).toEqual(['reply', 'session-end']);
    const greeting = record.replies().at(-1)!;
    expect(greeting.wholeBytes).toBeGreaterThan(greeting.bytes);
    expect(pop3.transcript().trimEnd().split('\n').at(-1)).toBe('-- ended: client-closed');
  });
});

// A RETR counted as retrieved when its reply was cut: `toHaveRetrievedMessages([1])` and
// `outcome(user).retrieved` said the client got message 1 when 40 of its octets reached it,
// so a test of "the client tried again and got the message" passed on a client that gave up.
test.each(CASES)(
  '%s: the message is not retrieved until a RETR of it goes out whole, in process and remotely',
  async (_name, rule) => {
    await withMock(
      { users: { [USER]: { password: PASSWORD, messages: [BODY] } }, control: true },
      async (pop3) => {
        await cutRetr(pop3, rule);
        const cut = await pop3.sessionEnd();
        expect(cut.retrieved).toEqual([]);
        expect(pop3).not.toHaveRetrievedMessages([1]);
        expect(pop3.outcome(USER).retrieved).toEqual([]);
        // The client comes back, and this time (the fault gone) the whole message reaches it.
        for (const { rule: stored } of pop3.rules()) pop3.removeRule(stored.id);
        const client = await RawClient.login(pop3.port, USER, PASSWORD);
        expect((await client.multi('RETR 1')).status).toBe(LINE);
        expect(await client.command('QUIT')).toMatch(/^\+OK/);
        const whole = await pop3.sessionEnd();
        const uid = pop3.mailbox(USER).messages()[0]!.uid;
        expect(whole.retrieved).toEqual([{ number: 1, uid }]);
        expect(pop3).toHaveRetrievedMessages([1]);
        expect(pop3).not.toHaveRetrievedMessages([1], { sessionId: cut.id });
        expect(pop3.outcome(USER).retrieved).toEqual([{ sessionId: whole.id, number: 1, uid }]);
        const remote = await connectPop3Mock({ url: pop3.controlUrl!, token: pop3.controlToken! });
        try {
          const sessions = await remote.listSessions();
          expect(sessions.map((s) => s.retrieved)).toEqual([[], [{ number: 1, uid }]]);
          expect((await remote.outcome(USER)).retrieved).toEqual([{ sessionId: whole.id, number: 1, uid }]);
        } finally {
          await remote.close();
        }
      },
    );
  },
);
