// Server-bug modes of checklist §27: the command runs as usual and its reply
// is bent the way a buggy server bends it.

import { on } from '../../../src';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  login,
  MESSAGES,
  PASSWORD,
  python,
  sizeOf,
  USER,
  warmPython,
  wireOf,
  withMock,
} from './helpers';

failOnHostErrors();
warmPython();

const TOTAL = MESSAGES.reduce((sum, m) => sum + sizeOf(m), 0);
const LOGIN = [
  ['user', USER],
  ['pass_', PASSWORD],
];
/** poplib's lines for a message: the wire form split on CRLF. */
const lines = (raw: string) => wireOf(raw).toString('latin1').split('\r\n').slice(0, -1);

test('§27 sizeSkew(5): LIST and STAT sizes are off by 5 per message, RETR sends the real bytes', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const rule = on('*').sizeSkew(5);
    await pop3.use(rule);
    const client = await login(pop3);
    expect(await client.command('STAT')).toBe(`+OK ${MESSAGES.length} ${TOTAL + 5 * MESSAGES.length}`);
    expect((await client.multi('LIST')).data.toString()).toBe(
      MESSAGES.map((m, i) => `${i + 1} ${sizeOf(m) + 5}\r\n`).join(''),
    );
    expect(await client.command('LIST 2')).toBe(`+OK 2 ${sizeOf(MESSAGES[1]!) + 5}`);
    const retr = await client.multi('RETR 2');
    expect(retr.status).toBe(`+OK ${sizeOf(MESSAGES[1]!)} octets`);
    expect(retr.data.equals(wireOf(MESSAGES[1]!))).toBe(true);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    expectFault(pop3, await pop3.sessionEnd(), rule, 'size-skew');

    // Python counts the octets it really got: they differ from what LIST said.
    const py = await python(pop3.port, [...LOGIN, ['list', 2], ['retr', 2]]);
    expect(py[3]).toEqual({ ok: `+OK 2 ${sizeOf(MESSAGES[1]!) + 5}` });
    expect(py[4]).toEqual({ ok: [retr.status, lines(MESSAGES[1]!), sizeOf(MESSAGES[1]!)] });
  });
});

test('§27 noDotStuffing(): a lone "." line ends the reply early; the rest is read as stray replies', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const rule = on('RETR').noDotStuffing();
    await pop3.use(rule);
    const client = await login(pop3);
    const wire = wireOf(MESSAGES[1]!).toString('latin1');
    const lone = wire.indexOf('\r\n.\r\n');
    const reply = await client.multi('RETR 2');
    // The client stops at the lone dot: it sees a truncated message.
    expect(reply.wire.toString('latin1')).toBe(wire.slice(0, lone + 2));
    expect(client.pending.toString('latin1')).toBe(`${wire.slice(lone + 5)}.\r\n`);
    client.destroy();
    expectFault(pop3, await pop3.sessionEnd(), rule, 'no-dot-stuffing');

    const py = await python(pop3.port, [...LOGIN, ['retr', 2], ['noop']]);
    const kept = lines(MESSAGES[1]!);
    const early = kept.slice(0, kept.indexOf('.'));
    const octets = early.reduce((n, l) => n + l.length + 2, 0);
    expect(py[3]).toEqual({ ok: [`+OK ${sizeOf(MESSAGES[1]!)} octets`, early, octets] });
    // The next "reply" poplib reads is the rest of the message.
    expect(py[4]).toEqual({ raised: 'error_proto', message: kept[kept.indexOf('.') + 1] });
  });
});

test('§27 bareLf(): LF line ends, so the terminator arrives as \\n.\\r\\n; Python still parses it', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const rule = on('RETR').bareLf();
    await pop3.use(rule);
    const client = await login(pop3);
    client.write('RETR 1\r\nQUIT\r\n');
    const all = (await client.readToEnd()).toString('latin1');
    const body = wireOf(MESSAGES[0]!).toString('latin1').replace(/\r\n/g, '\n');
    expect(all.startsWith(`+OK ${sizeOf(MESSAGES[0]!)} octets\r\n${body}.\r\n+OK`)).toBe(true);
    expect(all).toContain('\n.\r\n');
    expect(all).not.toContain('\r\n.\r\n');
    expectFault(pop3, await pop3.sessionEnd(), rule, 'bare-lf');

    const py = await python(pop3.port, [...LOGIN, ['retr', 1]]);
    const expected = lines(MESSAGES[0]!);
    // poplib counts each line with the ending it really had: one octet less per line.
    expect(py[3]).toEqual({
      ok: [`+OK ${sizeOf(MESSAGES[0]!)} octets`, expected, sizeOf(MESSAGES[0]!) - expected.length],
    });
  });
});

describe('§15 §27 uidlBug()', () => {
  test("'duplicate': the second message reports the first one's uid", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('UIDL').uidlBug('duplicate');
      await pop3.use(rule);
      const uids = pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.uid);
      const py = await python(pop3.port, [...LOGIN, ['uidl']]);
      expect((py[3] as { ok: [string, string[]] }).ok[1]).toEqual([
        `1 ${uids[0]}`,
        `2 ${uids[0]}`,
        `3 ${uids[2]}`,
      ]);
      expectFault(pop3, pop3.sessions[0]!, rule, 'uidl');
    });
  });

  test("'changing': every session sees other uids, for the listing and for UIDL n", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('UIDL').uidlBug('changing'));
      const uids = pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.uid);
      const one = await python(pop3.port, [...LOGIN, ['uidl'], ['uidl', 2]]);
      const two = await python(pop3.port, [...LOGIN, ['uidl'], ['uidl', 2]]);
      const listed = (r: (typeof one)[number]) =>
        (r as { ok: [string, string[]] }).ok[1].map((l) => l.split(' ')[1]);
      const first = listed(one[3]!);
      const second = listed(two[3]!);
      expect(first).toHaveLength(uids.length);
      for (let i = 0; i < uids.length; i++) {
        expect(first[i]).not.toBe(uids[i]);
        expect(second[i]).not.toBe(first[i]);
      }
      expect(one[4]).toEqual({ ok: `+OK 2 ${first[1]}` });
      expect(two[4]).toEqual({ ok: `+OK 2 ${second[1]}` });
    });
  });

  test("'space' and 'too-long': uids with a space, uids over 70 characters (RFC 1939 §7 forbids both)", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const uids = pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.uid);
      await pop3.use(
        on('UIDL').onConnection(1).uidlBug('space'),
        on('UIDL').onConnection(2).uidlBug('too-long'),
      );
      const spaced = await login(pop3);
      const lines1 = (await spaced.multi('UIDL')).data.toString().split('\r\n').slice(0, -1);
      expect(lines1).toHaveLength(uids.length);
      for (const [i, line] of lines1.entries()) {
        const [n, ...parts] = line.split(' ');
        expect(n).toBe(String(i + 1));
        expect(parts.length).toBeGreaterThan(1);
        expect(parts.join('')).toBe(uids[i]);
      }
      expect(await spaced.command('UIDL 1')).toMatch(/^\+OK 1 \S+ \S+$/);
      spaced.destroy();

      const long = await login(pop3);
      const lines2 = (await long.multi('UIDL')).data.toString().split('\r\n').slice(0, -1);
      for (const [i, line] of lines2.entries()) {
        const uid = line.slice(line.indexOf(' ') + 1);
        expect(uid.length).toBeGreaterThan(70);
        expect(uid.startsWith(uids[i]!)).toBe(true);
        expect(uid).toMatch(/^[\x21-\x7e]+$/);
      }
      long.destroy();
    });
  });
});

describe('§14 §27 topIgnoresCount()', () => {
  test("'all': TOP n 0 sends the whole message", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('TOP').topIgnoresCount('all');
      await pop3.use(rule);
      const py = await python(pop3.port, [...LOGIN, ['top', 3, 0]]);
      expect((py[3] as { ok: [string, string[]] }).ok[1]).toEqual(lines(MESSAGES[2]!));
      expectFault(pop3, pop3.sessions[0]!, rule, 'top-ignores-count');
    });
  });

  test("'headers': TOP n 2 sends the headers and the blank line only", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('TOP').topIgnoresCount('headers'));
      const client = await login(pop3);
      const reply = await client.multi('TOP 3 2');
      const wire = wireOf(MESSAGES[2]!).toString();
      expect(reply.data.toString()).toBe(wire.slice(0, wire.indexOf('\r\n\r\n') + 4));
      await client.command('QUIT');
    });
  });
});

test('§10 §27 renumberAfterDele(): LIST/UIDL renumber after DELE; LIST n ignores the deletion mark', async () => {
  await withMock(aliceAndBob(), async (pop3) => {
    const rule = on(['LIST', 'UIDL']).renumberAfterDele();
    await pop3.use(rule);
    const uids = pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid);
    const sizes = MESSAGES.map(sizeOf);
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect((await client.multi('LIST')).data.toString()).toBe(`1 ${sizes[1]}\r\n2 ${sizes[2]}\r\n`);
    expect((await client.multi('UIDL')).data.toString()).toBe(`1 ${uids[1]}\r\n2 ${uids[2]}\r\n`);
    // RFC 1939 says -ERR for a deleted message; the buggy server answers.
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${sizes[0]}`);
    expect(await client.command('UIDL 1')).toBe(`+OK 1 ${uids[0]}`);
    // Commands the mode does not concern keep RFC numbering.
    expect(await client.command('STAT')).toBe(`+OK 2 ${sizes[1]! + sizes[2]!}`);
    expect((await client.multi('RETR 1')).status).toMatch(/^-ERR/);
    await client.command('RSET');
    await client.command('QUIT');
    expectFault(pop3, await pop3.sessionEnd(), rule, 'renumber-after-dele');
  });
});

describe('§27 a bug mode on every verb bends only the replies it is for', () => {
  test("on('*').uidlBug('changing'): UIDL's uids change, STAT's and LIST's replies do not", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      await pop3.use(on('*').uidlBug('changing'));
      const client = await login(pop3);
      expect(await client.command('STAT')).toBe(`+OK ${MESSAGES.length} ${TOTAL}`);
      expect((await client.multi('LIST')).lines).toEqual(MESSAGES.map((m, i) => `${i + 1} ${sizeOf(m)}`));
      const uids = pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.uid);
      const listed = (await client.multi('UIDL')).lines.map((l) => l.split(' ')[1]);
      expect(listed).toHaveLength(uids.length);
      for (let i = 0; i < uids.length; i++) expect(listed[i]).not.toBe(uids[i]);
      await client.command('QUIT');
    });
  });

  test("on('*').once().bareLf(): not used up by USER and PASS; it bends the first RETR, then is spent", async () => {
    await withMock(aliceAndBob(), async (pop3) => {
      const rule = on('*').once().bareLf();
      await pop3.use(rule);
      const client = await login(pop3);
      expect(pop3.pendingRules().map((r) => r.id)).toEqual([rule.id]);
      client.write('RETR 1\r\nRETR 1\r\nQUIT\r\n');
      const all = (await client.readToEnd()).toString('latin1');
      const wire = wireOf(MESSAGES[0]!).toString('latin1');
      const status = `+OK ${sizeOf(MESSAGES[0]!)} octets\r\n`;
      // The first RETR bent (LF line ends), the second as sent.
      expect(all.startsWith(`${status}${wire.replace(/\r\n/g, '\n')}.\r\n${status}${wire}.\r\n+OK`)).toBe(
        true,
      );
      expect(pop3.pendingRules()).toEqual([]);
    });
  });
});
