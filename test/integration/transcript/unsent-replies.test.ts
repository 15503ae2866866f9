import { connect } from 'node:net';
import { connectPop3Mock, dovecotDialect, on, type Pop3Mock, type SessionRecord } from '../../../src';
import { FakeClock } from '../../helpers/fake-clock';
import { failOnHostErrors } from '../../helpers/host-errors';
import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER, withMock } from '../../helpers/with-mock';

// A reply the server meant to send but of which no octet reached the socket
// (the connection waits for a TLS handshake and writes nothing, or a fault
// cut it before its first octet) is a `reply-unsent` event, never a `reply`
// with its octets: the transcript says what happened on the wire.

failOnHostErrors();

const AUTOLOGOUT = `-ERR ${dovecotDialect.texts.autologout}`;

/** The events that say what the server sent, or meant to: replies, unsent replies, TLS failures. */
const serverSide = (record: SessionRecord) =>
  record.events.flatMap((e): { type: string; line?: string; cause?: string }[] =>
    e.type === 'reply' || e.type === 'reply-unsent'
      ? [{ type: e.type, line: e.line }]
      : e.type === 'tls-failed'
        ? [{ type: e.type, cause: e.cause }]
        : [],
  );

/** The client's bytes until the server closes: what really came off the wire. */
async function silentUntilClosed(port: number, clock: FakeClock, autologoutMs: number): Promise<Buffer> {
  const socket = connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => socket.once('connect', resolve));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  clock.advance(autologoutMs);
  await closed;
  return Buffer.concat(chunks);
}

function expectUnsentAutologout(record: SessionRecord): void {
  expect(record.endReason).toBe('autologout');
  expect(record.replies().map((r) => r.line)).not.toContain(AUTOLOGOUT);
  const text = record.render();
  expect(text).not.toContain(`S: ${AUTOLOGOUT}`);
  expect(text).toContain(`-- not sent (no octet reached the client): ${AUTOLOGOUT}`);
  expect(record.toJSON().events).toContainEqual(
    expect.objectContaining({ type: 'reply-unsent', status: '-ERR', line: AUTOLOGOUT }),
  );
}

test('autologout after STLS +OK, with no handshake begun: the -ERR never reaches the wire and is recorded as not sent', async () => {
  const clock = new FakeClock();
  await withMock(
    { dialect: 'dovecot', autologoutMs: 1000, clock, users: { [USER]: PASSWORD }, control: true },
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      const stls = await client.command('STLS');
      expect(stls).toMatch(/^\+OK/);
      clock.advance(1000);
      // On the wire: nothing after STLS's +OK, then the close.
      expect((await client.readToEnd()).length).toBe(0);
      const record = await pop3.sessionEnd();
      expect(serverSide(record)).toEqual([
        { type: 'reply', line: record.replies()[0]!.line },
        { type: 'reply', line: stls },
        { type: 'reply-unsent', line: AUTOLOGOUT },
        { type: 'tls-failed', cause: 'server-ended' },
      ]);
      expectUnsentAutologout(record);
      // The same record over the control API.
      const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
      try {
        const [over] = await remote.listSessions();
        expectUnsentAutologout(over!);
        expect(over!.events).toEqual(record.toJSON().events);
      } finally {
        await remote.close();
      }
    },
  );
});

test('autologout on the POP3S port before the client sends a byte: the -ERR is recorded as not sent', async () => {
  const clock = new FakeClock();
  await withMock({ dialect: 'dovecot', autologoutMs: 1000, clock, tlsPort: 0 }, async (pop3: Pop3Mock) => {
    const received = await silentUntilClosed(pop3.tlsPort!, clock, 1000);
    expect(received.length).toBe(0);
    const record = await pop3.sessionEnd();
    expect(serverSide(record)).toEqual([
      { type: 'reply-unsent', line: AUTOLOGOUT },
      { type: 'tls-failed', cause: 'server-ended' },
    ]);
    expectUnsentAutologout(record);
  });
});

test('closeAfterBytes(0): the reply is not sent, and the command has no reply in the transcript', async () => {
  await withMock(
    { users: { [USER]: { password: PASSWORD, messages: ['Subject: a\r\n\r\nbody\r\n'] } } },
    async (pop3) => {
      await pop3.use(on('RETR').closeAfterBytes(0));
      const client = await RawClient.login(pop3.port, USER, PASSWORD);
      client.write('RETR 1\r\n');
      expect((await client.readToEnd()).length).toBe(0);
      const record = await pop3.sessionEnd();
      const retr = record.locatedCommands().find((c) => c.verb === 'RETR')!;
      expect(retr.reply).toBeUndefined();
      expect(record.replies().map((r) => r.line)).not.toContainEqual(expect.stringMatching(/octets$/));
      expect(record.events.filter((e) => e.type === 'reply-unsent')).toMatchObject([
        { status: '+OK', line: expect.stringMatching(/^\+OK \d+ octets$/) },
      ]);
      expect(record.render()).toMatch(/^-- not sent \(no octet reached the client\): \+OK \d+ octets$/m);
    },
  );
});

test.each([
  ['closeAfterBytes(40)', on('RETR').closeAfterBytes(40), 40],
  ['resetAfterBytes(9)', on('RETR').resetAfterBytes(9), 9],
])(
  '%s: the reply is recorded with the octets that reached the client, not the whole reply',
  async (_name, rule, cut) => {
    const body = `Subject: a\r\n\r\n${'line of the body\r\n'.repeat(20)}`;
    await withMock({ users: { [USER]: { password: PASSWORD, messages: [body] } } }, async (pop3) => {
      await pop3.use(rule);
      const client = await RawClient.login(pop3.port, USER, PASSWORD);
      client.write('RETR 1\r\n');
      // What the client read after PASS's reply: exactly the octets before the cut.
      expect((await client.readToEnd()).length).toBe(cut);
      const record = await pop3.sessionEnd();
      const retr = record.locatedCommands().find((c) => c.verb === 'RETR')!;
      expect(retr.reply).toMatch(/^\+OK \d+ octets$/);
      const whole = Buffer.byteLength(`${retr.reply}\r\n${body}.\r\n`);
      const recorded = record.replies().find((r) => r.line === retr.reply)!;
      expect({ bytes: recorded.bytes, whole: whole > cut }).toEqual({ bytes: cut, whole: true });
    });
  },
);
