import { rfcDialect } from '../../../src';
import { login, stuff, USER, wireForm, withMailbox } from './fixtures';

// Checklist §3: octet counts of LIST and STAT (RFC 1939 §4, §5, §11).

const T = rfcDialect.texts;

test('§3 appendix example: stored "Subject: x\\n\\n.hello\\n" has LIST size 22, 23 data octets on the wire', async () => {
  const raw = 'Subject: x\n\n.hello\n';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('LIST 1')).toBe('+OK 1 22');
    expect(await client.command('STAT')).toBe('+OK 1 22');
    const retr = await client.multi('RETR 1');
    expect(retr.wire).toHaveLength(23);
    expect(retr.data).toHaveLength(22);
    // Stuffed dots are not counted: wire minus one added dot is the size.
    expect(retr.wire.length - 1).toBe(22);
  });
});

test('§3 a bare LF counts as 2 octets; a bare CR is sent unchanged and counts as 1', async () => {
  const raw = Buffer.from('Subject: endings\n\nlf\ncr\rstays\r\ncrlf\r\ntwo\r\rcrs\n', 'latin1');
  // 4 bare LFs become CRLF: +4 octets; the three bare CRs stay and count once each.
  const expectedSize = raw.length + 4;
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${expectedSize}`);
    const retr = await client.multi('RETR 1');
    expect(retr.data.toString('latin1')).toBe(
      'Subject: endings\r\n\r\nlf\r\ncr\rstays\r\ncrlf\r\ntwo\r\rcrs\r\n',
    );
    expect(retr.data.equals(wireForm(raw))).toBe(true);
    expect(retr.data).toHaveLength(expectedSize);
  });
});

test('§3 a missing final CRLF is added and counted', async () => {
  const raw = 'Subject: open\n\nno final newline';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    // 2 bare LFs (+2) and the added CRLF (+2).
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${raw.length + 4}`);
    const retr = await client.multi('RETR 1');
    expect(retr.data.toString('latin1')).toBe('Subject: open\r\n\r\nno final newline\r\n');
  });
});

describe('§3 LIST n equals the octets between the RETR status line and the terminator, after unstuffing', () => {
  const eightBit = Buffer.concat([
    Buffer.from('Subject: bytes\n\n', 'latin1'),
    Buffer.from([0xe9, 0xff, 0x80, 0x0a, 0x2e, 0xfe, 0x0a]),
  ]);
  test.each([
    ['plain CRLF', 'Subject: a\r\n\r\nbody\r\n'],
    ['bare LF only', 'Subject: a\n\nline 1\nline 2\n'],
    ['dot lines', 'Subject: d\n\n.\n..\n.x\n...\n'],
    ['headers only, no body', 'Subject: h\n'],
    ['empty body', 'Subject: e\n\n'],
    ['no final newline after a dot line', 'Subject: n\n\n.last'],
    ['a CR before CRLF', 'Subject: c\r\r\n\r\nx\r\r\n'],
    ['8-bit octets and a dot line', eightBit],
    ['a body that is one LF', '\n'],
  ])('%s', async (_name, raw) => {
    const expected = wireForm(raw);
    await withMailbox([raw, 'Subject: other\n\nother\n'], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('LIST 1')).toBe(`+OK 1 ${expected.length}`);
      const retr = await client.multi('RETR 1');
      expect(retr.wire.equals(stuff(expected))).toBe(true);
      expect(retr.data.equals(expected)).toBe(true);
      expect(retr.status).toBe(`+OK ${T.retrieved(expected.length)}`);
      const list = await client.multi('LIST');
      expect(list.data.toString('latin1').split('\r\n')[0]).toBe(`1 ${expected.length}`);
    });
  });
});

test('§3 STAT octets are the sum of the LIST sizes of non-deleted messages', async () => {
  const messages = [
    'Subject: 1\n\none\n',
    'Subject: 2\n\n.two\n',
    'Subject: 3\r\n\r\nthree',
    'Subject: 4\n\n\n\n',
  ];
  const sizes = messages.map((m) => wireForm(m).length);
  await withMailbox(messages, async (pop3) => {
    const client = await login(pop3);
    const sum = (ns: number[]) => ns.reduce((a, n) => a + sizes[n - 1]!, 0);
    expect(await client.command('STAT')).toBe(`+OK 4 ${sum([1, 2, 3, 4])}`);
    const listed = (await client.multi('LIST')).data.toString('latin1');
    expect(listed).toBe(sizes.map((s, i) => `${i + 1} ${s}\r\n`).join(''));
    expect(await client.command('DELE 2')).toMatch(/^\+OK/);
    expect(await client.command('STAT')).toBe(`+OK 3 ${sum([1, 3, 4])}`);
    expect(await client.command('DELE 4')).toMatch(/^\+OK/);
    expect(await client.command('STAT')).toBe(`+OK 2 ${sum([1, 3])}`);
    expect(await client.command('RSET')).toMatch(/^\+OK/);
    expect(await client.command('STAT')).toBe(`+OK 4 ${sum([1, 2, 3, 4])}`);
  });
});

test('§3 sizes are fixed at login: a message delivered mid-session changes neither STAT nor LIST', async () => {
  const first = 'Subject: first\n\n1\n';
  const late = 'Subject: late\n\nlate arrival, longer body\n';
  await withMailbox([first], async (pop3) => {
    const client = await login(pop3);
    const stat = `+OK 1 ${wireForm(first).length}`;
    expect(await client.command('STAT')).toBe(stat);
    await pop3.deliver(USER, late);
    expect(pop3.mailbox(USER).messages()).toHaveLength(2);
    expect(await client.command('STAT')).toBe(stat);
    expect((await client.multi('LIST')).data.toString('latin1')).toBe(`1 ${wireForm(first).length}\r\n`);
    expect(await client.command('LIST 2')).toMatch(/^-ERR/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await pop3.sessionEnd(pop3.sessions[0]);
    const next = await login(pop3);
    expect(await next.command('STAT')).toBe(`+OK 2 ${wireForm(first).length + wireForm(late).length}`);
    expect(await next.command('LIST 2')).toBe(`+OK 2 ${wireForm(late).length}`);
  });
});
