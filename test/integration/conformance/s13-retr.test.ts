// §13 RETR (RFC 1939 §5, §11), over TCP.

import {
  bigMessage,
  ERR,
  expectSameBytes,
  FIVE_MB,
  login,
  OK,
  quit,
  sizeOf,
  stuff,
  THREE,
  USER,
  wireOf,
  withMailbox,
} from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';

test('§13 RETR needs its argument and is refused in AUTHORIZATION', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const anonymous = await RawClient.connect(pop3.port);
    expect(await anonymous.command('RETR 1')).toMatch(ERR);
    await quit(anonymous);

    const client = await login(pop3);
    expect(await client.command('RETR')).toMatch(ERR);
    expect(client.pending.length).toBe(0);
    expect((await client.multi('RETR 1')).data).toEqual(wireOf(THREE[0]!));
    await quit(client);
  });
});

test('§13 RETR sends headers, blank line and body byte-exact', async () => {
  const headers = 'From: a@example.com\r\nSubject: exact\r\nX-Empty:\r\n';
  const body = 'body line 1\r\n\r\nbody line 3\r\n';
  const raw = `${headers}\r\n${body}`;
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const retr = await client.multi('RETR 1');
    expect(retr.status).toMatch(OK);
    expect(retr.wire.toString('latin1')).toBe(raw); // no dot lines: the wire carries the message as is
    const text = retr.data.toString('latin1');
    const blank = text.indexOf('\r\n\r\n');
    expect(text.slice(0, blank + 2)).toBe(headers);
    expect(text.slice(blank + 4)).toBe(body);
    expect(client.pending.length).toBe(0);
    await quit(client);
  });
});

test('§13 the whole reply on the wire is +OK line, stuffed message, "." CRLF', async () => {
  const raw = 'From: a@example.com\nSubject: dots\n\n.leading dot\n..two\n.\nplain\n';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    client.write('RETR 1\r\nQUIT\r\n');
    const all = await client.readToEnd();
    const text = all.toString('latin1');
    const firstCrlf = text.indexOf('\r\n');
    expect(text.slice(0, firstCrlf)).toMatch(OK);
    const afterStatus = all.subarray(firstCrlf + 2);
    const expectedReply = Buffer.concat([stuff(wireOf(raw)), Buffer.from('.\r\n')]);
    expect(afterStatus.subarray(0, expectedReply.length)).toEqual(expectedReply);
    // Then exactly one more line: the QUIT +OK.
    const rest = afterStatus.subarray(expectedReply.length).toString('latin1');
    expect(rest).toMatch(/^\+OK( [^\r\n]*)?\r\n$/);
  });
});

test('§13 repeated RETR returns identical bytes and does not mark the message deleted', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    const first = await client.multi('RETR 2');
    const second = await client.multi('RETR 2');
    expect(first.status).toMatch(OK);
    expect(second.wire).toEqual(first.wire);
    expect(second.data).toEqual(wireOf(THREE[1]!));
    expect(await client.command('LIST 2')).toBe(`+OK 2 ${sizeOf(THREE[1]!)}`);
    const total = THREE.reduce((sum, raw) => sum + sizeOf(raw), 0);
    expect(await client.command('STAT')).toBe(`+OK 3 ${total}`);
    await quit(client);
    expect(pop3.mailbox(USER).messages()).toHaveLength(3);
  });
});

test('§13 bare LF goes out as CRLF, a bare CR unchanged, and the size matches LIST', async () => {
  const raw = Buffer.from('Subject: endings\n\nlf line\ncr\rinside\r\ncrlf line\r\nlast', 'latin1');
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const expected = Buffer.from(
      'Subject: endings\r\n\r\nlf line\r\ncr\rinside\r\ncrlf line\r\nlast\r\n',
      'latin1',
    );
    expect(wireOf(raw)).toEqual(expected); // the fixture helper agrees with the hand-written form
    const retr = await client.multi('RETR 1');
    expect(retr.data).toEqual(expected);
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${expected.length}`);
    await quit(client);
  });
});

test('§13 8-bit and NUL octets in a body pass unchanged', async () => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  // Every octet value except LF and CR inside one body line, then NULs and 8-bit text on their own lines.
  const line = Buffer.from([...all].filter((b) => b !== 0x0a && b !== 0x0d));
  const raw = Buffer.concat([
    Buffer.from('Subject: binary\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
    line,
    Buffer.from('\r\n\0\0\0\r\n', 'latin1'),
    Buffer.from('caf\u00e9 \u00fc\u00df \u20ac\r\n', 'utf8'),
  ]);
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const retr = await client.multi('RETR 1');
    expect(retr.data).toEqual(raw);
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${raw.length}`);
    await quit(client);
  });
});

test.each([
  ['without dot lines', false],
  ['with dot lines to stuff', true],
])('§13 a 5 MB message (%s) streams byte-exact with STAT and NOOP pipelined behind it', async (_, dots) => {
  const raw = bigMessage(FIVE_MB, dots);
  await withMailbox([raw], async (pop3) => {
    const stored = pop3.mailbox(USER).messages()[0]!.bytes;
    expectSameBytes(stored, wireOf(raw));
    const client = await login(pop3);
    client.write('RETR 1\r\nSTAT\r\nNOOP\r\n');
    const retr = await client.readMulti();
    expect(retr.status).toMatch(OK);
    expectSameBytes(retr.data, stored);
    if (dots) expect(retr.wire.length).toBeGreaterThan(stored.length);
    expect(await client.readLine()).toBe(`+OK 1 ${stored.length}`);
    expect(await client.readLine()).toMatch(OK);
    expect(client.pending.length).toBe(0);
    await quit(client);
  });
});

// The reply writer sends a message up to 64 KiB in one write with its status
// line, and a larger one as the status line with the body's first 64 KiB,
// then the rest: these sizes put the reply on each side of both edges.
test.each([65_000, 65_480, 65_500, 65_536, 65_600, 131_000, 300_001])(
  '§13 a %d-octet message with dot lines goes out byte-exact, and its reply is recorded with every octet',
  async (size) => {
    const raw = bigMessage(size, true).subarray(0, size);
    await withMailbox([raw], async (pop3) => {
      const stored = pop3.mailbox(USER).messages()[0]!.bytes;
      const client = await login(pop3);
      client.write('RETR 1\r\n');
      const retr = await client.readMulti();
      expect(retr.status).toMatch(OK);
      expectSameBytes(retr.data, stored);
      expectSameBytes(retr.wire, stuff(stored));
      await quit(client);
      const record = await pop3.sessionEnd();
      const reply = record.replies().find((r) => r.line === retr.status)!;
      // Status line and CRLF, the stuffed message, "." CRLF.
      expect(reply.bytes).toBe(Buffer.byteLength(`${retr.status}\r\n`) + stuff(stored).length + 3);
    });
  },
);
