import type { Dialect, Pop3Mock } from '../../../src';
import { dovecotDialect } from '../../../src/dialects';
import { dropNodePop3, nodePop3 } from '../../helpers/clients/node-pop3';
import { RawClient } from '../../helpers/raw-client';
import {
  dataLines,
  loggedIn,
  login,
  MESSAGES,
  PASSWORD,
  SIZES,
  scanListing,
  TOTAL,
  twoMessages,
  USER,
  withMock,
} from './fixtures';

// Dovecot 2.3 (dovecot/core src/pop3-login, src/pop3; checklist §25, docs/CONFORMANCE.md), over the wire.
const dialect = dovecotDialect;
const BEFORE_LOGIN_CAPA = ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE'];

test('§25 greeting, CAPA before login (STLS, USER, SASL last) and after it (no USER, no SASL)', async () => {
  await withMock(twoMessages({ dialect, tls: undefined }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('+OK Dovecot ready.');
    const before = await client.multi('CAPA');
    expect(before.status).toBe('+OK');
    expect(dataLines(before.wire)).toEqual([...BEFORE_LOGIN_CAPA, 'STLS', 'USER', 'SASL PLAIN LOGIN']);
    expect(await login(client)).toEqual(['+OK', '+OK Logged in.']);
    const after = await client.multi('CAPA');
    expect(after.status).toBe('+OK');
    expect(dataLines(after.wire)).toEqual(BEFORE_LOGIN_CAPA);
    client.destroy();
  });
});

test('§25 without TLS there is no STLS; with TLS required, no USER and a bare SASL line', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(dataLines((await client.multi('CAPA')).wire)).toEqual([
      ...BEFORE_LOGIN_CAPA,
      'USER',
      'SASL PLAIN LOGIN',
    ]);
    client.destroy();
  });
  await withMock(twoMessages({ dialect, tls: undefined, requireTls: true }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(dataLines((await client.multi('CAPA')).wire)).toEqual([...BEFORE_LOGIN_CAPA, 'STLS', 'SASL']);
    expect(await client.command(`USER ${USER}`)).toBe(
      '-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
    );
    client.destroy();
  });
});

test('§25 STAT, LIST, RETR, TOP, UIDL, DELE, NOOP, RSET and QUIT texts', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('STAT')).toBe(`+OK 2 ${TOTAL}`);
    const list = await client.multi('LIST');
    expect(list.status).toBe('+OK 2 messages:');
    expect(dataLines(list.wire)).toEqual(scanListing());
    expect(await client.command('LIST 2')).toBe(`+OK 2 ${SIZES[1]}`);
    const retr = await client.multi('RETR 1');
    expect(retr.status).toBe(`+OK ${SIZES[0]} octets`);
    expect(retr.data.toString()).toBe(MESSAGES[0]);
    expect((await client.multi('TOP 2 0')).status).toBe('+OK');
    expect((await client.multi('UIDL')).status).toBe('+OK');
    expect(await client.command('NOOP extra')).toBe('+OK');
    expect(await client.command('DELE 1')).toBe('+OK Marked to be deleted.');
    expect((await client.multi('LIST')).status).toBe('+OK 1 messages:');
    expect(await client.command('RSET')).toBe('+OK');
    expect(await client.command('QUIT')).toBe('+OK Logging out.');
    await client.closed();

    const again = await loggedIn(pop3);
    expect(await again.command('DELE 2')).toBe('+OK Marked to be deleted.');
    expect(await again.command('QUIT')).toBe('+OK Logging out, messages deleted.');
    await again.closed();
    expect(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.size),
    ).toEqual([SIZES[0]]);

    const anonymous = await RawClient.connect(pop3.port);
    expect(await anonymous.command('QUIT')).toBe('+OK Logging out');
    await anonymous.closed();
  });
});

test('§25 message-number errors: no such message, deleted, invalid number, invalid size', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('RETR 3')).toBe("-ERR There's no message 3.");
    expect(await client.command('LIST 0')).toBe("-ERR There's no message 0.");
    expect(await client.command('UIDL 007')).toBe("-ERR There's no message 7.");
    expect(await client.command('RETR abc')).toBe('-ERR Invalid message number: abc');
    expect(await client.command('TOP 1')).toBe('-ERR Noise after message number: ');
    expect(await client.command('TOP 1 abc')).toBe('-ERR Invalid size: abc');
    expect(await client.command('DELE 1')).toBe('+OK Marked to be deleted.');
    expect(await client.command('RETR 1')).toBe('-ERR Message is deleted.');
    expect(await client.command('LIST 1')).toBe('-ERR Message is deleted.');
    expect(await client.command('DELE 1')).toBe('-ERR Message is deleted.');
    client.destroy();
  });
});

// pop3-commands.c get_msgnum(): "-ERR Noise after message number: %s" with args left at " x".
test('§25 extra text after a message number is echoed: RETR 1 x', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    expect(await client.command('RETR 1 x')).toBe('-ERR Noise after message number:  x');
    client.destroy();
  });
});

test('§25 unknown and wrong-state commands: `Unknown command.` before login, `Unknown command: CMD` after', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('STAT')).toBe('-ERR Unknown command.');
    expect(await client.command('PASS x')).toBe('-ERR No username given.');
    expect(await client.command(`USER ${USER}`)).toBe('+OK');
    expect(await client.command('PASS wrong')).toBe('-ERR [AUTH] Authentication failed.');
    expect(await client.command('frob')).toBe('-ERR Unknown command.');
    const mechanisms = await client.multi('AUTH');
    expect(mechanisms.status).toBe('+OK');
    expect(dataLines(mechanisms.wire)).toEqual(['PLAIN', 'LOGIN']);
    expect(await client.command('AUTH FOO')).toBe('-ERR [AUTH] Unsupported authentication mechanism.');
    expect(await login(client)).toEqual(['+OK', '+OK Logged in.']);
    for (const verb of ['frob', 'USER alice', 'PASS secret', 'STLS', 'LAST', 'AUTH PLAIN']) {
      const name = verb.split(' ')[0]!.toUpperCase();
      expect(await client.command(verb)).toBe(`-ERR Unknown command: ${name}`);
    }
    client.destroy();
  });
});

test('§25 AUTH takes the rest of the line after the mechanism as the initial response: more words are bad base64, as live Dovecot 2.3 answers', async () => {
  const plain = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
  await withMock(twoMessages({ dialect }), async (pop3) => {
    for (const line of ['AUTH PLAIN x y', `AUTH PLAIN ${plain} extra`, 'AUTH LOGIN a b c']) {
      const client = await RawClient.connect(pop3.port);
      expect(`${line} -> ${await client.command(line)}`).toBe(
        `${line} -> -ERR ${dialect.texts.authBadInitialBase64}`,
      );
      client.destroy();
    }
    // The mechanism is checked first; spaces around the response are not part of it.
    const unknown = await RawClient.connect(pop3.port);
    expect(await unknown.command('AUTH X-NONE a b')).toBe(
      '-ERR [AUTH] Unsupported authentication mechanism.',
    );
    unknown.destroy();
    const spaced = await RawClient.connect(pop3.port);
    expect(await spaced.command(`AUTH PLAIN  ${plain} `)).toBe('+OK Logged in.');
    spaced.destroy();
  });
});

test('§25 the 3rd consecutive unknown command before login gets its -ERR, then a disconnect', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    client.write('FOO\r\nBAR\r\nBAZ\r\nCAPA\r\n');
    const rest = (await client.readToEnd()).toString('latin1');
    const unknown = '-ERR Unknown command.\r\n';
    expect(rest).toBe(`${unknown}${unknown}${unknown}-ERR Too many invalid bad commands.\r\n`);
    expect((await pop3.sessionEnd()).endReason).toBe('server-closed');
  });
});

test('§25 before login a recognised command resets the bad-command count (CAPA)', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect((await client.multi('CAPA')).status).toBe('+OK');
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect(await client.command('QUIT')).toBe('+OK Logging out');
    await client.closed();
  });
});

// pop3-login/client.c: client_command_execute() returns TRUE for every known
// command, failing or not, and that alone resets bad_counter.
test('§25 before login a recognised command that fails (PASS without USER) also resets the count', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect(await client.command('PASS x')).toBe('-ERR No username given.');
    expect(await client.command('FOO')).toBe('-ERR Unknown command.');
    expect(await client.command('QUIT')).toBe('+OK Logging out');
    await client.closed();
  });
});

test('§25 after login the 21st consecutive failing command gets its -ERR, then `Too many bad commands.`', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    const bad = (i: number) =>
      i % 2 === 0 ? ['XYZ', '-ERR Unknown command: XYZ'] : ['RETR 9', "-ERR There's no message 9."];
    for (let i = 0; i < 20; i++) {
      const [line, reply] = bad(i);
      expect(await client.command(line!)).toBe(reply);
    }
    expect(await client.command('NOOP')).toBe('+OK'); // a success resets the count
    for (let i = 0; i < 20; i++) {
      const [line, reply] = bad(i);
      expect(await client.command(line!)).toBe(reply);
    }
    client.write('XYZ\r\nNOOP\r\n');
    expect((await client.readToEnd()).toString('latin1')).toBe(
      '-ERR Unknown command: XYZ\r\n-ERR Too many bad commands.\r\n',
    );
  });
});

// pop3-login reads the command word, then at most 1026 octets with the line end: 1031 after `USER `.
test('§25 a line over 1031 octets before login: `Input buffer full, aborting` and a disconnect', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const user = (octets: number) => `USER ${'a'.repeat(octets - 'USER '.length - 2)}`;
    expect(await client.command(user(1031))).toBe('+OK');
    client.write(`${user(1032)}\r\n`);
    expect((await client.readToEnd()).toString('latin1')).toBe('-ERR Input buffer full, aborting\r\n');
  });
});

test('§25 a line over 2048 octets after login: `Input line too long.` and a disconnect', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const client = await loggedIn(pop3);
    // NOOP ignores its arguments: 2046 octets + CRLF is the longest line accepted.
    expect(await client.command(`NOOP ${'x'.repeat(2046 - 5)}`)).toBe('+OK');
    client.write(`NOOP ${'x'.repeat(2047 - 5)}\r\n`);
    expect((await client.readToEnd()).toString('latin1')).toBe('-ERR Input line too long.\r\n');
    expect(pop3.mailbox(USER).messages()).toHaveLength(2);
  });
});

test('§25 an idle session gets `Disconnected for inactivity.` before the close', async () => {
  await withMock(twoMessages({ dialect, autologoutMs: 30 }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect((await client.readToEnd()).toString('latin1')).toBe('-ERR Disconnected for inactivity.\r\n');
  });
});

test('§25 no maildrop lock: two sessions of one user are both logged in', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const first = await RawClient.connect(pop3.port);
    const second = await RawClient.connect(pop3.port);
    expect(await login(first)).toEqual(['+OK', '+OK Logged in.']);
    expect(await login(second, USER, PASSWORD)).toEqual(['+OK', '+OK Logged in.']);
    first.destroy();
    second.destroy();
  });
});

/** Logs `sessions` clients in, then a deleter that removes `numbers` and QUITs (UPDATE is done by its +OK). */
async function openedBeforeRemoval(pop3: Pop3Mock, sessions: number, numbers: readonly number[]) {
  const clients = await Promise.all(Array.from({ length: sessions }, () => loggedIn(pop3)));
  const deleter = await loggedIn(pop3);
  for (const n of numbers) expect(await deleter.command(`DELE ${n}`)).toBe('+OK Marked to be deleted.');
  expect(await deleter.command('QUIT')).toBe('+OK Logging out, messages deleted.');
  return clients;
}

// Measured on Dovecot 2.3.19 with the same two sessions (test/integration/capture/dovecot-expunged.test.ts).
test("§25 RETR and TOP of a message another session's QUIT removed: `Message N expunged.`; LIST, UIDL and DELE answer from the login's list (node-pop3)", async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const reader = nodePop3(pop3.port, USER, PASSWORD);
    const deleter = nodePop3(pop3.port, USER, PASSWORD);
    try {
      expect(await reader.STAT()).toBe(`2 ${TOTAL}`);
      const uid = pop3.mailbox(USER).messages()[0]!.uid;
      expect(await deleter.DELE(1)).toBe('Marked to be deleted.');
      expect(await deleter.QUIT()).toBe('Logging out, messages deleted.');
      expect(pop3.mailbox(USER).messages()).toHaveLength(1);

      await expect(reader.RETR(1)).rejects.toThrow(/^Message 1 expunged\.$/);
      await expect(reader.TOP(1, 0)).rejects.toThrow(/^Message 1 expunged\.$/);
      expect(await reader.STAT()).toBe(`2 ${TOTAL}`);
      expect(await reader.LIST(1)).toEqual(['1', String(SIZES[0])]);
      expect(await reader.UIDL(1)).toEqual(['1', uid]);
      // Message 2 is still there: sent whole.
      expect(`${await reader.RETR(2)}\r\n`).toBe(MESSAGES[1]);
      expect(await reader.DELE(1)).toBe('Marked to be deleted.');
      expect(await reader.QUIT()).toBe('Logging out, messages deleted.');
    } finally {
      await dropNodePop3(reader);
      await dropNodePop3(deleter);
    }
    // The reader's RETR 1 sent nothing; its UPDATE had nothing left to remove.
    const read = await pop3.sessionEnd(pop3.sessions[0]);
    expect(read.retrieved.map((r) => r.number)).toEqual([2]);
    expect(read.deleted).toEqual([]);
  });
});

test('§25 the arguments are read before an expunged message is: `TOP 1 x` is an invalid size, `RETR 1 x` noise', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const [client] = await openedBeforeRemoval(pop3, 1, [1]);
    expect(await client!.command('TOP 1 x')).toBe('-ERR Invalid size: x');
    expect(await client!.command('RETR 1 x')).toBe('-ERR Noise after message number:  x');
    expect(await client!.command('DELE 1')).toBe('+OK Marked to be deleted.');
    expect(await client!.command('RETR 1')).toBe('-ERR Message is deleted.');
    expect(await client!.command('RSET')).toBe('+OK');
    expect(await client!.command('RETR 1')).toBe('-ERR Message 1 expunged.');
    client!.destroy();
  });
});

test('§25 bad-command count: an expunged fetch above 1 and above every earlier one is a success, a repeat or message 1 counts as bad', async () => {
  await withMock(twoMessages({ dialect }), async (pop3) => {
    const [first, second] = await openedBeforeRemoval(pop3, 2, [1, 2]);
    const twentyBad = async (client: RawClient) => {
      for (let i = 0; i < 20; i++) expect(await client.command('XYZ')).toBe('-ERR Unknown command: XYZ');
    };
    // The first fetch of 2 resets the count: 20 more bad commands, then a repeat of it is the 21st.
    await twentyBad(first!);
    expect(await first!.command('RETR 2')).toBe('-ERR Message 2 expunged.');
    await twentyBad(first!);
    first!.write('TOP 2 0\r\n');
    expect((await first!.readToEnd()).toString('latin1')).toBe(
      '-ERR Message 2 expunged.\r\n-ERR Too many bad commands.\r\n',
    );
    // Message 1 never resets it.
    await twentyBad(second!);
    second!.write('RETR 1\r\n');
    expect((await second!.readToEnd()).toString('latin1')).toBe(
      '-ERR Message 1 expunged.\r\n-ERR Too many bad commands.\r\n',
    );
  });
});

test('a test extends the preset by spreading it: one text changed, the rest still Dovecot', async () => {
  const custom: Dialect = { ...dovecotDialect, texts: { ...dovecotDialect.texts, greeting: () => 'hi' } };
  await withMock(twoMessages({ dialect: custom }), async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('+OK hi');
    expect(await login(client)).toEqual(['+OK', '+OK Logged in.']);
    expect(dovecotDialect.texts.greeting({ remoteAddress: '', sessionId: 1 })).toBe('Dovecot ready.');
    client.destroy();
  });
});
