// §14 TOP (RFC 1939 §7), over TCP.

import { ERR, expectAlive, login, OK, quit, stuff, THREE, wireOf, withMailbox } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';

const HEADERS = 'From: a@example.com\nTo: b@example.com\nSubject: top\n';
const BODY_LINES = ['line 1', '.line 2 starts with a dot', '', 'line 4', 'line 5'];
const MESSAGE = `${HEADERS}\n${BODY_LINES.join('\n')}\n`;

/** Headers, blank line and the first n body lines, in wire form, computed from the parts. */
function expectedTop(n: number): Buffer {
  const body = BODY_LINES.slice(0, n).map((l) => `${l}\n`);
  return wireOf(`${HEADERS}\n${body.join('')}`);
}

test('§14 TOP msg 0 sends the header section and the blank line only', async () => {
  await withMailbox([MESSAGE], async (pop3) => {
    const client = await login(pop3);
    const top = await client.multi('TOP 1 0');
    expect(top.status).toMatch(OK);
    expect(top.data.toString('latin1')).toBe(`${HEADERS.replace(/\n/g, '\r\n')}\r\n`);
    await quit(client);
  });
});

test.each([1, 2, 3, 4])(
  '§14 TOP msg %i sends the headers, blank line and that many body lines, stuffed',
  async (n) => {
    await withMailbox([MESSAGE], async (pop3) => {
      const client = await login(pop3);
      const top = await client.multi(`TOP 1 ${n}`);
      expect(top.status).toMatch(OK);
      expect(top.data).toEqual(expectedTop(n));
      expect(top.wire).toEqual(stuff(expectedTop(n)));
      if (n >= 2) expect(top.wire.toString('latin1')).toContain('\r\n..line 2 starts with a dot\r\n');
      await quit(client);
    });
  },
);

test.each(['5', '6', '1000', '4294967297', '99999999999999999999'])(
  '§14 TOP msg %s (at least the body length) sends the whole message',
  async (n) => {
    await withMailbox([MESSAGE], async (pop3) => {
      const client = await login(pop3);
      const top = await client.multi(`TOP 1 ${n}`);
      const retr = await client.multi('RETR 1');
      expect(top.data).toEqual(wireOf(MESSAGE));
      expect(top.wire).toEqual(retr.wire);
      await quit(client);
    });
  },
);

test.each(['01', '0000000000000002', '000000000000000000000000000003'])(
  '§14 the line count is read as decimal: TOP 1 %s (leading zeros) sends that many body lines',
  async (arg) => {
    await withMailbox([MESSAGE], async (pop3) => {
      const client = await login(pop3);
      expect((await client.multi(`TOP 1 ${arg}`)).data).toEqual(expectedTop(Number(arg)));
      await quit(client);
    });
  },
);

test('§14 TOP counts only LF as a line end: a bare CR inside a body line does not end it', async () => {
  const raw = Buffer.from('Subject: cr\n\nfirst\rstill first\nsecond\rstill second\nthird\n', 'latin1');
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    expect((await client.multi('TOP 1 1')).data.toString('latin1')).toBe(
      'Subject: cr\r\n\r\nfirst\rstill first\r\n',
    );
    expect((await client.multi('TOP 1 2')).data.toString('latin1')).toBe(
      'Subject: cr\r\n\r\nfirst\rstill first\r\nsecond\rstill second\r\n',
    );
    await quit(client);
  });
});

test('§14 body lines are counted after CRLF normalisation, and a final line without a line end counts', async () => {
  const raw = 'Subject: mixed\r\n\r\none\ntwo\r\nthree';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    expect((await client.multi('TOP 1 1')).data.toString('latin1')).toBe('Subject: mixed\r\n\r\none\r\n');
    expect((await client.multi('TOP 1 2')).data.toString('latin1')).toBe(
      'Subject: mixed\r\n\r\none\r\ntwo\r\n',
    );
    const three = await client.multi('TOP 1 3');
    expect(three.data.toString('latin1')).toBe('Subject: mixed\r\n\r\none\r\ntwo\r\nthree\r\n');
    expect(three.data).toEqual((await client.multi('RETR 1')).data);
    await quit(client);
  });
});

test('§14 a message with no header/body separator: TOP n 0 equals RETR, no blank line invented', async () => {
  const raw = 'Subject: headers only\nX-One: 1\nX-Two: 2\n';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    const top = await client.multi('TOP 1 0');
    const retr = await client.multi('RETR 1');
    expect(top.status).toMatch(OK);
    expect(top.data).toEqual(wireOf(raw));
    expect(top.wire).toEqual(retr.wire);
    expect(top.data.toString('latin1')).not.toContain('\r\n\r\n');
    await quit(client);
  });
});

test('§14 a message with headers and an empty body: TOP n 0 sends headers and the blank line', async () => {
  const raw = 'Subject: empty body\n\n';
  await withMailbox([raw], async (pop3) => {
    const client = await login(pop3);
    expect((await client.multi('TOP 1 0')).data.toString('latin1')).toBe('Subject: empty body\r\n\r\n');
    expect((await client.multi('TOP 1 5')).data.toString('latin1')).toBe('Subject: empty body\r\n\r\n');
    await quit(client);
  });
});

test.each([
  ['TOP', 'no arguments'],
  ['TOP 1', 'missing n'],
  ['TOP 1 -1', 'negative n'],
  ['TOP 1 x', 'non-digit n'],
  ['TOP 1 1x', 'trailing junk in n'],
  ['TOP 1 +1', 'signed n'],
  ['TOP 1 1.5', 'fractional n'],
  ['TOP x 1', 'non-digit message number'],
  ['TOP 0 1', 'message 0'],
  ['TOP 4 1', 'missing message'],
])('§14 %s (%s) gets a one-line -ERR and the session continues', async (command) => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    expect(await client.command(command)).toMatch(ERR);
    expect(client.pending.length).toBe(0);
    await expectAlive(client);
    expect((await client.multi('TOP 1 0')).status).toMatch(OK);
    await quit(client);
  });
});

test('§14 TOP on a deleted message gets -ERR; TOP is refused in AUTHORIZATION', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const anonymous = await RawClient.connect(pop3.port);
    expect(await anonymous.command('TOP 1 0')).toMatch(ERR);
    await quit(anonymous);

    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(OK);
    expect(await client.command('TOP 1 0')).toMatch(ERR);
    expect(await client.command('TOP 1 10')).toMatch(ERR);
    expect((await client.multi('TOP 2 0')).status).toMatch(OK);
    await quit(client);
  });
});

test('§14 TOP does not mark anything deleted', async () => {
  await withMailbox([...THREE], async (pop3) => {
    const client = await login(pop3);
    for (let n = 1; n <= 3; n++) expect((await client.multi(`TOP ${n} 1`)).status).toMatch(OK);
    expect(await client.command('STAT')).toMatch(/^\+OK 3 /);
    await quit(client);
    expect(pop3.mailbox('alice').messages()).toHaveLength(3);
  });
});
