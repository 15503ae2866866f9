import { type Dialect, rfcDialect } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { rawSocket, USER, within, withMailbox, withMock } from './fixtures';

// Checklist §4: the greeting (RFC 1939 §4; RFC 2449 §3-§4). The APOP timestamp items are in docs/CONFORMANCE-3.md.

const T = rfcDialect.texts;
const greetingOf = (sessionId: number): string => T.greeting({ remoteAddress: '127.0.0.1', sessionId });

test('§4 the server speaks first: the greeting arrives without any client input', async () => {
  await withMailbox([], async (pop3) => {
    const client = await within(RawClient.connect(pop3.port), 2000, 'the greeting');
    expect(client.greeting).toBe(`+OK ${greetingOf(pop3.sessions[0]!.id)}`);
    // Nothing but the one greeting line was sent.
    expect(client.pending).toHaveLength(0);
    expect(pop3.sessions[0]!.commands()).toEqual([]);
  });
});

test('§4 exactly one greeting line comes before the reply to a command sent at once on connect', async () => {
  await withMailbox([], async (pop3) => {
    const { socket, received } = await rawSocket(pop3.port);
    // Written before the greeting could have been read.
    socket.write('CAPA\r\nQUIT\r\n');
    const out = await received();
    const greeting = `+OK ${greetingOf(pop3.sessions[0]!.id)}\r\n`;
    expect(out.startsWith(greeting)).toBe(true);
    const rest = out.slice(greeting.length);
    expect(rest.startsWith(`+OK ${T.capaHeader}\r\n`)).toBe(true);
    expect(rest.endsWith(`\r\n.\r\n+OK ${T.quitAuthorization}\r\n`)).toBe(true);
    expect(pop3.sessions[0]!.endReason).toBe('quit-authorization');
  });
});

test('§4 the greeting is one +OK line of at most 512 octets, without a <…> timestamp when APOP is off', async () => {
  await withMailbox(
    [],
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(client.greeting).toMatch(/^\+OK( [\x20-\x7e]*)?$/);
      expect(Buffer.byteLength(`${client.greeting}\r\n`)).toBeLessThanOrEqual(512);
      expect(client.greeting).not.toMatch(/[<>]/);
      // No APOP capability exists (RFC 2449 §6): clients look for the timestamp only.
      const capa = (await client.multi('CAPA')).data.toString('latin1').split('\r\n');
      expect(capa.some((l) => /^APOP\b/i.test(l))).toBe(false);
      expect(await client.command('APOP alice c4c9334bac560ecc979e58001b3e22fb')).toMatch(/^-ERR/);
    },
    { apop: false },
  );
});

test('§4 every connection gets its own greeting', async () => {
  await withMailbox([], async (pop3) => {
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.connect(pop3.port)));
    for (const c of clients) expect(c.greeting).toMatch(/^\+OK/);
    const expected = pop3.sessions.map((s) => `+OK ${greetingOf(s.id)}`).sort();
    expect(clients.map((c) => c.greeting).sort()).toEqual(expected);
    expect(pop3.sessions).toHaveLength(3);
  });
});

test('§4 after the greeting the session is in AUTHORIZATION', async () => {
  await withMailbox(['Subject: a\n\na\n'], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
    expect(await client.command('STAT')).toMatch(/^-ERR/);
    expect(await client.command('NOOP')).toMatch(/^-ERR/);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
  });
});

test('§4 the greeting may carry a response code right after "+OK " (a dialect sets it)', async () => {
  const dialect: Dialect = {
    ...rfcDialect,
    texts: { ...rfcDialect.texts, greeting: () => '[XCLIENT] ready' },
  };
  await withMock({ dialect }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('+OK [XCLIENT] ready');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
  });
});
