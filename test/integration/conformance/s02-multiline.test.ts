import { rfcDialect } from '../../../src';
import { RawClient, unstuff } from '../../helpers/raw-client';
import { login, replyLines, script, stuff, USER, wireForm, withMailbox } from './fixtures';

// Checklist §2: multi-line responses and byte-stuffing (RFC 1939 §3, §5, §7; RFC 2449 §3).

const T = rfcDialect.texts;

test('§2 a multi-line reply is the +OK line, CRLF-ended data lines, then "." CRLF (LIST, byte-exact)', async () => {
  const messages = ['Subject: one\n\n1\n', 'Subject: two\n\n22\n', 'Subject: three\n\n333\n'];
  const sizes = messages.map((m) => wireForm(m).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  await withMailbox(messages, async (pop3) => {
    const client = await login(pop3);
    const out = await script(client, ['LIST', 'QUIT']);
    const listing = sizes.map((s, i) => `${i + 1} ${s}\r\n`).join('');
    expect(out).toBe(`+OK ${T.listHeader(3, total)}\r\n${listing}.\r\n+OK ${T.quitUpdate(0, 3)}\r\n`);
  });
});

test('§2 an empty listing is the +OK line then "." CRLF (LIST and UIDL)', async () => {
  await withMailbox([], async (pop3) => {
    const client = await login(pop3);
    const out = await script(client, ['LIST', 'UIDL', 'STAT', 'QUIT']);
    expect(out).toBe(
      `+OK ${T.listHeader(0, 0)}\r\n.\r\n+OK ${T.uidlHeader}\r\n.\r\n+OK 0 0\r\n+OK ${T.quitUpdate(0, 0)}\r\n`,
    );
  });
});

test('§2 an empty listing after every message is deleted', async () => {
  await withMailbox(['Subject: a\n\na\n'], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    const list = await client.multi('LIST');
    expect(list.status).toBe(`+OK ${T.listHeader(0, 0)}`);
    expect(list.wire).toHaveLength(0);
    expect(client.pending).toHaveLength(0);
  });
});

test('§2 lines ".", "..", ".x", "..x" go out as "..", "...", "..x", "...x" (RETR and TOP)', async () => {
  const raw = 'Subject: dots\n\n.\n..\n.x\n..x\nend\n';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const out = await script(client, ['RETR 1', 'TOP 1 3', 'QUIT']);
    // Written out by hand from RFC 1939 §3, and cross-checked with the generic rule.
    const retrWire = 'Subject: dots\r\n\r\n..\r\n...\r\n..x\r\n...x\r\nend\r\n';
    expect(retrWire).toBe(stuff(wireForm(raw)).toString('latin1'));
    const topWire = 'Subject: dots\r\n\r\n..\r\n...\r\n..x\r\n';
    const size = wireForm(raw).length;
    expect(out).toBe(
      `+OK ${T.retrieved(size)}\r\n${retrWire}.\r\n+OK ${T.top}\r\n${topWire}.\r\n+OK ${T.quitUpdate(0, 1)}\r\n`,
    );
  });
});

test('§2 appendix example: "Subject: x\\n\\n.hello\\n" is 22 octets and 23 data octets on the wire', async () => {
  await withMailbox(['Subject: x\n\n.hello\n'], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('LIST 1')).toBe('+OK 1 22');
    const retr = await client.multi('RETR 1');
    expect(retr.wire.toString('latin1')).toBe('Subject: x\r\n\r\n..hello\r\n');
    expect(retr.wire).toHaveLength(23);
    expect(retr.data).toHaveLength(22);
  });
});

test('§2 a message whose first line starts with "." is stuffed too', async () => {
  const raw = '.starts with a dot\nSubject: y\n\nbody\n';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const retr = await client.multi('RETR 1');
    expect(retr.wire.toString('latin1')).toBe('..starts with a dot\r\nSubject: y\r\n\r\nbody\r\n');
    expect(retr.data.equals(wireForm(raw))).toBe(true);
  });
});

describe('§2 the reply always ends CRLF "." CRLF; a missing final line break is added', () => {
  test.each([
    ['text without a final newline', 'Subject: x\n\nno newline', 'Subject: x\r\n\r\nno newline\r\n'],
    ['a lone "." as the last line, without newline', 'Subject: x\n\n.', 'Subject: x\r\n\r\n..\r\n'],
    ['a final bare CR', 'Subject: x\n\ncr\r', 'Subject: x\r\n\r\ncr\r\r\n'],
    ['a final CRLF already there', 'Subject: x\r\n\r\ndone\r\n', 'Subject: x\r\n\r\ndone\r\n'],
  ])('%s', async (_name, raw, wire) => {
    await withMailbox([raw], async (pop3) => {
      const client = await login(pop3);
      const out = await script(client, ['RETR 1', 'QUIT']);
      const size = wireForm(raw).length;
      expect(out).toBe(`+OK ${T.retrieved(size)}\r\n${wire}.\r\n+OK ${T.quitUpdate(0, 1)}\r\n`);
    });
  });
});

test('§2 stuffing is exact across the 64 KiB write chunks of a large message', async () => {
  // Dot lines of every length from 0 to 96 octets put line starts at every
  // offset around each chunk boundary; some lines start with two dots.
  const parts: string[] = ['Subject: big\n\n'];
  for (let i = 0, size = 0; size < 300_000; i++) {
    const line = `${i % 5 === 0 ? '..' : '.'}${'d'.repeat(i % 97)}\n`;
    parts.push(line);
    size += line.length;
  }
  const raw = parts.join('');
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const retr = await client.multi('RETR 1');
    const expected = stuff(wireForm(raw));
    expect(retr.wire.length).toBe(expected.length);
    expect(retr.wire.equals(expected)).toBe(true);
    expect(retr.data.equals(wireForm(raw))).toBe(true);
    expect(await client.command('NOOP')).toMatch(/^\+OK/);
  });
});

test('§2 -ERR is always one line, even for commands whose success reply is multi-line', async () => {
  await withMailbox(['Subject: a\n\na\n'], async (pop3) => {
    const before = await RawClient.connect(pop3.port);
    const authLines = replyLines(await script(before, ['LIST', 'UIDL', 'RETR 1', 'TOP 1 0', 'QUIT']));
    expect(authLines).toHaveLength(5);
    expect(authLines.slice(0, 4).every((l) => l.startsWith('-ERR'))).toBe(true);
    expect(authLines[4]).toBe(`+OK ${T.quitAuthorization}`);

    const client = await login(pop3);
    const commands = [
      'LIST 9',
      'UIDL 9',
      'RETR 9',
      'TOP 9 0',
      'RETR x',
      'TOP 1',
      'TOP 1 x',
      'LIST 1 2',
      'UIDL x',
    ];
    const lines = replyLines(await script(client, ['DELE 1', 'RETR 1', 'TOP 1 0', ...commands, 'QUIT']));
    expect(lines).toHaveLength(commands.length + 4);
    expect(lines[0]).toMatch(/^\+OK/);
    expect(lines.slice(1, -1).every((l) => l.startsWith('-ERR'))).toBe(true);
    expect(lines.at(-1)).toBe(`+OK ${T.quitUpdate(1, 0)}`);
    expect(pop3.mailbox(USER).messages()).toHaveLength(0);
  });
});

test('§2 CAPA lines never start with "." in either state', async () => {
  await withMailbox([], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const before = await client.multi('CAPA');
    expect(before.status).toMatch(/^\+OK/);
    expect(before.wire.equals(before.data)).toBe(true);
    for (const line of replyLines(before.data.toString('latin1'))) expect(line).not.toMatch(/^\./);
    await client.command(`USER ${USER}`);
    await client.command('PASS secret');
    const after = await client.multi('CAPA');
    expect(after.status).toMatch(/^\+OK/);
    for (const line of replyLines(after.data.toString('latin1'))) expect(line).not.toMatch(/^\./);
  });
});

test('§2 the test client unstuffs as RFC 1939 §3 says, and "." CRLF ends the reply without being data', async () => {
  expect(unstuff(Buffer.from('..\r\n...\r\n..x\r\nplain\r\n')).toString()).toBe('.\r\n..\r\n.x\r\nplain\r\n');
  await withMailbox(['Subject: s\n\n.\n..\n.x\n'], async (pop3) => {
    const client = await login(pop3);
    const retr = await client.multi('RETR 1');
    expect(retr.data.toString()).toBe('Subject: s\r\n\r\n.\r\n..\r\n.x\r\n');
    expect(retr.wire.toString()).toBe('Subject: s\r\n\r\n..\r\n...\r\n..x\r\n');
    expect(client.pending).toHaveLength(0);
    expect(await client.command('NOOP')).toMatch(/^\+OK/);
  });
});
