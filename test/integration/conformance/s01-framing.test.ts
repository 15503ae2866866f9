import { type AddressInfo, createServer } from 'node:net';
import { rfcDialect, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import {
  login,
  PASSWORD,
  replyLines,
  script,
  USER,
  wireForm,
  withMailbox,
  withMock,
  writeDrained,
} from './fixtures';

// Checklist §1: transport, framing and lexical rules (RFC 1939 §3, RFC 2449 §3-§4).

const T = rfcDialect.texts;
// The default limits (CRLF included); both states use the same value in the RFC dialect.
const LIMIT_AUTH: number = rfcDialect.maxLineLength.AUTHORIZATION;
const LIMIT: number = rfcDialect.maxLineLength.TRANSACTION;
const TOO_LONG_AUTH: string = T.lineTooLong('AUTHORIZATION');
const TOO_LONG: string = T.lineTooLong('TRANSACTION');
const MSG_A = 'Subject: a\n\nfirst\n';
const MSG_B = `Subject: b\n\n${'x'.repeat(1200)}\n`;
const SIZE_A = wireForm(MSG_A).length;
const SIZE_B = wireForm(MSG_B).length;
const STAT_LINE = `+OK 2 ${SIZE_A + SIZE_B}`;

test('§1 the port is ephemeral by default and can be configured', async () => {
  const first = await startPop3Mock();
  // The configured port is held open by a plain server of this test, so no
  // other worker can take it meanwhile: the mock must try exactly that port.
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  try {
    expect(first.port).toBeGreaterThan(0);
    expect(first.port).not.toBe(110);
    const client = await RawClient.connect(first.port);
    expect(client.greeting).toMatch(/^\+OK/);
    client.destroy();
    await expect(startPop3Mock({ port, portFallback: false })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const second = await startPop3Mock({ port });
    try {
      expect(second.port).toBeGreaterThan(0);
      expect(second.port).not.toBe(port);
      const other = await RawClient.connect(second.port);
      expect(other.greeting).toMatch(/^\+OK/);
      other.destroy();
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
    await new Promise((resolve) => holder.close(resolve));
  }
});

test('§1 keywords match case-insensitively (stat, Stat, STAT behave the same)', async () => {
  const spellings: ((verb: string) => string)[] = [
    (v) => v.toUpperCase(),
    (v) => v.toLowerCase(),
    (v) => v[0]!.toUpperCase() + v.slice(1).toLowerCase(),
    (v) => [...v].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(''),
  ];
  const transcripts: string[] = [];
  await withMailbox([MSG_A, MSG_B], async (pop3) => {
    for (const spell of spellings) {
      const client = await RawClient.connect(pop3.port);
      const out = await script(client, [
        `${spell('capa')}`,
        `${spell('user')} ${USER}`,
        `${spell('pass')} ${PASSWORD}`,
        spell('stat'),
        `${spell('list')} 2`,
        `${spell('retr')} 1`,
        `${spell('top')} 1 0`,
        `${spell('uidl')} 1`,
        `${spell('dele')} 1`,
        spell('rset'),
        spell('noop'),
        spell('quit'),
      ]);
      transcripts.push(out);
    }
    expect(pop3.sessions.map((s) => s.endReason)).toEqual(spellings.map(() => 'quit-update'));
  });
  const lines = replyLines(transcripts[0]!);
  expect(lines).toContain(STAT_LINE);
  expect(lines.filter((l) => l.startsWith('-ERR'))).toEqual([]);
  for (const t of transcripts) expect(t).toBe(transcripts[0]);
});

describe('§1 unknown keywords, and keywords that are not 3-4 characters, get -ERR and change nothing', () => {
  const bad = ['FOO', 'XYZZY', 'ST', 'S', 'STATS', 'STAT1', 'LAST', 'RETRIEVE', 'US ER alice', ' STAT', '.'];

  test.each(bad)('in AUTHORIZATION: %j', async (line) => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command(line)).toMatch(/^-ERR( |$)/);
      expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
      // Still in AUTHORIZATION: STAT is refused, USER/PASS works.
      expect(await client.command('STAT')).toMatch(/^-ERR/);
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    });
  });

  test.each(bad)('in TRANSACTION: %j', async (line) => {
    await withMailbox([MSG_A, MSG_B], async (pop3) => {
      const client = await login(pop3);
      expect(await client.command(line)).toMatch(/^-ERR( |$)/);
      expect(await client.command('STAT')).toBe(STAT_LINE);
      expect(pop3.sessions[0]!.state).toBe('TRANSACTION');
    });
  });
});

test('§1 a known command in the wrong state gets -ERR and the state does not change', async () => {
  await withMailbox([MSG_A, MSG_B], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    for (const line of [
      'STAT',
      'LIST',
      'LIST 1',
      'RETR 1',
      'DELE 1',
      'NOOP',
      'RSET',
      'TOP 1 0',
      'UIDL',
      'UIDL 1',
    ]) {
      expect(`${line} -> ${await client.command(line)}`).toMatch(new RegExp(`^${line} -> -ERR( |$)`));
      expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
    }
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    // The DELE 1 sent before login marked nothing.
    expect(await client.command('STAT')).toBe(STAT_LINE);
    for (const line of [`USER ${USER}`, `PASS ${PASSWORD}`]) {
      expect(await client.command(line)).toMatch(/^-ERR( |$)/);
      expect(await client.command('STAT')).toBe(STAT_LINE);
      expect(pop3.sessions[0]!.state).toBe('TRANSACTION');
    }
  });
});

test('§1 a command line of 255 octets including CRLF is always accepted', async () => {
  // USER SP name CRLF = 255 octets, PASS SP password CRLF = 255 octets.
  const name = 'u'.repeat(255 - 'USER '.length - 2);
  const password = 'p'.repeat(255 - 'PASS '.length - 2);
  await withMock({ users: { [name]: { password, messages: [MSG_A] } } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    client.write(`USER ${name}\r\n`);
    expect(`USER ${name}\r\n`).toHaveLength(255);
    expect(await client.readLine()).toMatch(/^\+OK/);
    client.write(`PASS ${password}\r\n`);
    expect(`PASS ${password}\r\n`).toHaveLength(255);
    expect(await client.readLine()).toMatch(/^\+OK/);
    expect(await client.command('STAT')).toBe(`+OK 1 ${SIZE_A}`);
  });
});

test(`§1 a line of exactly the limit (${LIMIT_AUTH} octets with CRLF) is parsed; one octet more gets -ERR and the session continues`, async () => {
  await withMailbox([MSG_A], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const atLimit = `PASS ${'w'.repeat(LIMIT_AUTH - 'PASS '.length - 2)}\r\n`;
    expect(atLimit).toHaveLength(LIMIT_AUTH);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    client.write(atLimit);
    // Parsed as a PASS (wrong password), not refused as too long.
    expect(await client.readLine()).toBe(`-ERR ${T.authFailed}`);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    client.write(`PASS ${'w'.repeat(LIMIT_AUTH - 'PASS '.length - 1)}\r\n`);
    expect(await client.readLine()).toBe(`-ERR ${TOO_LONG_AUTH}`);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(pop3.sessions[0]!.ended).toBe(false);
  });
});

describe('§1 the rest of an over-long line is not executed; the next line is', () => {
  // The part past the limit looks like a command; only the next LF ends the line.
  const after = 'STAT\r\nQUIT\r\n';
  const expected = `-ERR ${TOO_LONG}\r\n+OK 1 ${SIZE_A}\r\n+OK ${T.quitUpdate(0, 1)}\r\n`;

  test('in one write', async () => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = await login(pop3);
      client.write(`${'X'.repeat(LIMIT)}DELE 1\r\n${after}`);
      expect((await client.readToEnd()).toString('latin1')).toBe(expected);
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
    });
  });

  test.each([
    ['a remainder that is a whole command', 'X'.repeat(LIMIT + 1), 'DELE 1\r\n'],
    ['a split inside the command-like tail', `${'X'.repeat(LIMIT)}DE`, 'LE 1\r\n'],
    ['a remainder that is only CRLF', 'X'.repeat(LIMIT + 5), '\r\n'],
  ])('when the limit is passed before the line ends: %s', async (_name, first, rest) => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = await login(pop3);
      client.write(first);
      // The -ERR comes as soon as the limit is passed; the rest is sent only after it.
      expect(await client.readLine()).toBe(`-ERR ${TOO_LONG}`);
      client.write(`${rest}${after}`);
      expect(`-ERR ${TOO_LONG}\r\n${(await client.readToEnd()).toString('latin1')}`).toBe(expected);
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
    });
  });

  test('when a held part under the limit is pushed over it by the next write', async () => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = await login(pop3);
      await writeDrained(client.socket, 'X'.repeat(LIMIT - 1));
      client.write(`XDELE 1\r\n${after}`);
      expect((await client.readToEnd()).toString('latin1')).toBe(expected);
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);
    });
  });

  test('a command after the CRLF that ends the long line runs', async () => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = await login(pop3);
      const out = await script(client, [`NOOP ${'a'.repeat(LIMIT + 800)}`, 'STAT', 'QUIT']);
      expect(out).toBe(`-ERR ${TOO_LONG}\r\n+OK 1 ${SIZE_A}\r\n+OK ${T.quitUpdate(0, 1)}\r\n`);
    });
  });
});

test('§1 a 10 MB line without CRLF, sent in chunks, gets one -ERR and the session keeps working', async () => {
  await withMailbox([MSG_A], async (pop3) => {
    const client = await login(pop3);
    const chunk = Buffer.alloc(64 * 1024, 'Z');
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length)
      await writeDrained(client.socket, chunk);
    client.write('\r\nSTAT\r\nQUIT\r\n');
    const out = (await client.readToEnd()).toString('latin1');
    expect(out).toBe(`-ERR ${TOO_LONG}\r\n+OK 1 ${SIZE_A}\r\n+OK ${T.quitUpdate(0, 1)}\r\n`);
    expect(pop3.sessions[0]!.endReason).toBe('quit-update');
  });
});

test('§1 status indicators are exactly +OK and -ERR, followed by CRLF or SP and text', async () => {
  await withMailbox([MSG_A, MSG_B], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const commands = [
      'USER nobody',
      'PASS wrong',
      `USER ${USER}`,
      'PASS wrong',
      'STAT',
      'FOO',
      '',
      `USER ${USER}`,
      `PASS ${PASSWORD}`,
      'STAT',
      'LIST 1',
      'LIST 9',
      'LIST x',
      'UIDL 2',
      'DELE 1',
      'DELE 1',
      'RETR 1',
      'TOP 1',
      'RSET',
      'NOOP',
      'NOOP x',
      'USER x',
      'QUIT',
    ];
    const lines = replyLines(`${client.greeting}\r\n${await script(client, commands)}`);
    expect(lines).toHaveLength(commands.length + 1);
    for (const line of lines) expect(line).toMatch(/^(\+OK|-ERR)( [\x20-\x7e]*)?$/);
  });
});

describe('§1 the first line of every reply is at most 512 octets, whatever the client sent', () => {
  const long = 'a'.repeat(1000);
  const digits = '9'.repeat(1000);
  test.each([
    ['an unknown verb', `${long}`, false],
    ['an unknown verb with arguments', `XFOO ${long} ${long}`, false],
    ['USER with a long name', `USER ${long}`, false],
    ['PASS with a long password', `PASS ${long}`, false],
    ['STAT with a long argument', `STAT ${long}`, true],
    ['LIST with a long non-number', `LIST ${long}`, true],
    ['LIST with a long number', `LIST ${digits}`, true],
    ['RETR with a long number', `RETR ${digits}`, true],
    ['DELE with a long non-number', `DELE ${long}`, true],
    ['TOP with a long line count', `TOP 1 ${long}`, true],
    ['UIDL with a long number', `UIDL ${digits}`, true],
  ])('%s', async (_name, line, loggedIn) => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = loggedIn ? await login(pop3) : await RawClient.connect(pop3.port);
      expect(Buffer.byteLength(`${client.greeting}\r\n`)).toBeLessThanOrEqual(512);
      if (line.startsWith('PASS')) await client.command(`USER ${USER}`);
      const reply = await client.command(line);
      expect(reply).toMatch(/^(\+OK|-ERR)/);
      expect(Buffer.byteLength(`${reply}\r\n`, 'latin1')).toBeLessThanOrEqual(512);
    });
  });
});

test('§1 numbers are decimal; STAT, LIST and UIDL have their fixed formats', async () => {
  await withMailbox([MSG_A, MSG_B], async (pop3) => {
    const client = await login(pop3);
    expect(SIZE_B).toBeGreaterThan(1000);
    expect(await client.command('STAT')).toBe(STAT_LINE);
    expect(await client.command('LIST 2')).toBe(`+OK 2 ${SIZE_B}`);
    const list = await client.multi('LIST');
    expect(list.data.toString('latin1')).toBe(`1 ${SIZE_A}\r\n2 ${SIZE_B}\r\n`);
    const uidl = await client.multi('UIDL');
    const uidLines = replyLines(uidl.data.toString('latin1'));
    expect(uidLines).toHaveLength(2);
    for (const [i, l] of uidLines.entries()) expect(l).toMatch(new RegExp(`^${i + 1} [\\x21-\\x7e]{1,70}$`));
  });
});

describe('§1 binary, NUL and control octets in a command line get -ERR and the session continues', () => {
  test.each([
    ['NUL after the verb', 'STAT\x00'],
    ['NUL inside the verb', 'ST\x00AT'],
    ['NUL in an argument', `USER al\x00ice`],
    ['8-bit octets in an argument', 'USER \xff\xfe\x80'],
    ['8-bit octets as the verb', '\xff\xfe\xfd\xfc'],
    ['DEL inside the verb', 'NO\x7fOP'],
    ['a tab in an argument', 'USER a\tb'],
    ['a bare CR inside the line', 'USER a\rb'],
    ['an escape sequence', 'USER \x1b[31mred'],
  ])('%s', async (_name, line) => {
    await withMailbox([MSG_A], async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      const reply = await client.command(line);
      expect(reply).toMatch(/^-ERR( [\x20-\x7e]*)?$/);
      expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
      expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
      // The same in TRANSACTION.
      expect(await client.command(line)).toMatch(/^-ERR( [\x20-\x7e]*)?$/);
      expect(await client.command('STAT')).toBe(`+OK 1 ${SIZE_A}`);
    });
  });
});

test('§1 an empty line gets -ERR in both states and changes nothing', async () => {
  await withMailbox([MSG_A], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('')).toMatch(/^-ERR( |$)/);
    expect(await client.command('STAT')).toMatch(/^-ERR/);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('')).toMatch(/^-ERR( |$)/);
    expect(await client.command('STAT')).toBe(`+OK 1 ${SIZE_A}`);
    expect(pop3.sessions[0]!.state).toBe('TRANSACTION');
  });
});

test('§1 bare-LF line endings from the client are accepted', async () => {
  await withMailbox([MSG_A], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    client.write(`USER ${USER}\nPASS ${PASSWORD}\nSTAT\nLIST\nQUIT\n`);
    const out = (await client.readToEnd()).toString('latin1');
    const lines = replyLines(out);
    expect(lines[0]).toMatch(/^\+OK/);
    expect(lines[1]).toMatch(/^\+OK/);
    expect(lines[2]).toBe(`+OK 1 ${SIZE_A}`);
    expect(lines.slice(4, 6)).toEqual([`1 ${SIZE_A}`, '.']);
    expect(lines[6]).toMatch(/^\+OK/);
    expect(pop3.sessions[0]!.endReason).toBe('quit-update');
  });
});

test('§1 a command sent one octet per write is read as one line (CRLF split across reads)', async () => {
  await withMailbox([MSG_A], async (pop3) => {
    const client = await login(pop3);
    client.socket.setNoDelay(true);
    for (const octet of Buffer.from('STAT\r\n')) await writeDrained(client.socket, Buffer.from([octet]));
    expect(await client.readLine()).toBe(`+OK 1 ${SIZE_A}`);
    expect(client.pending).toHaveLength(0);
  });
});
