import { rfcDialect } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { login, PASSWORD, replyLines, script, USER, wireForm, withMailbox } from './fixtures';

// Checklist §5: session states (RFC 1939 §3, §4, §6, §9).

const T = rfcDialect.texts;
const MSGS = ['Subject: 1\n\none\n', 'Subject: 2\n\ntwo\n'];
const FULL_STAT = `+OK 2 ${MSGS.reduce((n, m) => n + wireForm(m).length, 0)}`;

test('§5 AUTHORIZATION until PASS succeeds, then TRANSACTION; UPDATE only on QUIT from TRANSACTION', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const record = pop3.sessions[0]!;
    expect(record.state).toBe('AUTHORIZATION');
    await client.command(`USER ${USER}`);
    expect(record.state).toBe('AUTHORIZATION');
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(record.state).toBe('TRANSACTION');
    await client.command('DELE 1');
    await client.command('RSET');
    await client.command('NOOP');
    expect(record.state).toBe('TRANSACTION');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await pop3.sessionEnd(record);
    const transitions = record.events.flatMap((e) => (e.type === 'state' ? [`${e.from}>${e.to}`] : []));
    expect(transitions).toEqual(['AUTHORIZATION>TRANSACTION', 'TRANSACTION>UPDATE']);
    expect(record.endReason).toBe('quit-update');
  });
});

test('§5 QUIT from AUTHORIZATION never enters UPDATE', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command(`USER ${USER}`);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    const record = await pop3.sessionEnd(pop3.sessions[0]);
    expect(record.events.filter((e) => e.type === 'state' || e.type === 'update')).toEqual([]);
    expect(record.endReason).toBe('quit-authorization');
  });
});

test('§5 on entering TRANSACTION the maildrop is locked and no message is marked deleted', async () => {
  await withMailbox(MSGS, async (pop3) => {
    // An earlier session marks both messages and goes away without QUIT.
    const earlier = await login(pop3);
    await earlier.command('DELE 1');
    await earlier.command('DELE 2');
    earlier.destroy();
    await pop3.sessionEnd(pop3.sessions[0]);
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();

    const client = await login(pop3);
    expect(pop3.mailbox(USER).lockedBy).toBe(pop3.sessions[1]!.id);
    expect(await client.command('STAT')).toBe(FULL_STAT);
    expect(await client.command('LIST 1')).toMatch(/^\+OK 1 /);
    expect(await client.command('LIST 2')).toMatch(/^\+OK 2 /);
  });
});

test('§5 a failed authentication leaves the session in AUTHORIZATION; the client may retry', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command(`USER ${USER}`);
    expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
    expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
    expect(pop3.sessions[0]!.ended).toBe(false);
    expect(await client.command('STAT')).toMatch(/^-ERR/);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('STAT')).toBe(FULL_STAT);
  });
});

test('§5 a failed authentication leaves the session in AUTHORIZATION; the client may QUIT', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command('USER nobody');
    expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
    expect(await client.command('QUIT')).toBe(`+OK ${T.quitAuthorization}`);
    await client.closed();
    expect((await pop3.sessionEnd(pop3.sessions[0])).endReason).toBe('quit-authorization');
  });
});

describe('§5 in TRANSACTION, AUTHORIZATION commands get -ERR and nothing leads back to AUTHORIZATION', () => {
  test.each([
    `USER ${USER}`,
    `PASS ${PASSWORD}`,
    'USER nobody',
    'APOP alice c4c9334bac560ecc979e58001b3e22fb',
    'AUTH PLAIN',
    `AUTH PLAIN ${Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64')}`,
    'AUTH',
    'STLS',
    'UTF8',
  ])('%s', async (line) => {
    await withMailbox(MSGS, async (pop3) => {
      const client = await login(pop3);
      expect(await client.command('DELE 1')).toMatch(/^\+OK/);
      const reply = await client.command(line);
      expect(reply).toMatch(/^-ERR( |$)/);
      // No SASL continuation or TLS handshake was started: the next line is a command.
      expect(await client.command('STAT')).toBe(`+OK 1 ${wireForm(MSGS[1]!).length}`);
      expect(pop3.sessions[0]!.state).toBe('TRANSACTION');
      expect(pop3.sessions[0]!.events.filter((e) => e.type === 'state')).toHaveLength(1);
    });
  });
});

test('§5 in UPDATE the server answers QUIT, closes, and reads no further commands', async () => {
  await withMailbox(MSGS, async (pop3) => {
    const client = await login(pop3);
    const out = await script(client, ['DELE 1', 'QUIT', 'DELE 2', 'STAT', 'NOOP']);
    const lines = replyLines(out);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\+OK/);
    expect(lines[1]).toBe(`+OK ${T.quitUpdate(1, 1)}`);
    const record = await pop3.sessionEnd(pop3.sessions[0]);
    expect(record.commands()).toEqual(['USER alice', 'PASS ******', 'DELE 1', 'QUIT']);
    expect(
      pop3
        .mailbox(USER)
        .messages()
        .map((m) => m.bytes.toString()),
    ).toEqual([wireForm(MSGS[1]!).toString()]);
  });
});
