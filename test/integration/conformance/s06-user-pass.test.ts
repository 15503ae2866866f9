import { dovecotDialect, greenmailDialect, rfcDialect } from '../../../src';
import { runPythonPoplib } from '../../helpers/clients/python-poplib';
import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER, wireForm, withMailbox, withMock } from './fixtures';

// Checklist §6: USER and PASS (RFC 1939 §7, §13; RFC 3206 §5-§6).

const T = rfcDialect.texts;
const MSG = 'Subject: u\n\nu\n';
const STAT = `+OK 1 ${wireForm(MSG).length}`;

test('§6 USER needs exactly one argument', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    for (const line of ['USER', 'USER ', `USER ${USER} extra`, 'USER a b c']) {
      expect(`${JSON.stringify(line)} -> ${await client.command(line)}`).toMatch(/ -> -ERR( |$)/);
      // A failed USER gives nothing to PASS.
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR/);
    }
    expect(await client.command(`USER ${USER}`)).toBe(`+OK ${T.userAccepted(USER)}`);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
  });
});

test('§6 PASS counts only right after a +OK to USER (RFC 1939 §7): any command between, a failed USER included, forgets the name', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    for (const between of ['NOOP', 'CAPA', 'STAT', 'XFOO', '', 'USER', 'USER a b', 'AUTH X-NONE']) {
      expect(await client.command(`USER ${USER}`)).toBe(`+OK ${T.userAccepted(USER)}`);
      if (between === 'CAPA') await client.multi(between);
      else expect(await client.command(between)).toMatch(/^-ERR/);
      expect(`${JSON.stringify(between)} -> ${await client.command(`PASS ${PASSWORD}`)}`).toBe(
        `${JSON.stringify(between)} -> -ERR ${T.passWithoutUser}`,
      );
    }
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
  });
  // A real client: poplib sends what it is told, and sees the refusal.
  await withMailbox([MSG], async (pop3) => {
    const [user, capa, pass] = await runPythonPoplib(pop3.port, [
      ['user', USER],
      ['capa'],
      ['pass_', PASSWORD],
    ]);
    expect(user).toHaveProperty('ok');
    expect(capa).toHaveProperty('ok');
    expect(pass).toEqual({ error: 'error_proto', message: `-ERR ${T.passWithoutUser}` });
  });
});

test("§6 GreenMail keeps USER's name after a failed PASS, as its state does; the RFC dialect needs USER again", async () => {
  for (const [dialect, retry] of [
    [greenmailDialect, '+OK'],
    [rfcDialect, '-ERR'],
  ] as const) {
    await withMailbox(
      [MSG],
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
        expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
        const again = await client.command(`PASS ${PASSWORD}`);
        expect(`${dialect.name}: ${again.split(' ')[0]}`).toBe(`${dialect.name}: ${retry}`);
      },
      { dialect },
    );
  }
});

test("§6 the Dovecot and GreenMail dialects keep USER's name for PASS across other commands, as those servers do", async () => {
  for (const dialect of [dovecotDialect, greenmailDialect]) {
    await withMailbox(
      [MSG],
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
        expect(await client.command('XFOO')).toMatch(/^-ERR/);
        expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
      },
      { dialect },
    );
  }
});

test('§6 USER is accepted after the greeting, after a failed USER and after a failed PASS', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
    expect(await client.command('USER')).toMatch(/^-ERR/);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('STAT')).toBe(STAT);
  });
});

test('§6 USER for a mailbox that does not exist gets +OK, like a known one', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('USER nobody')).toBe(`+OK ${T.userAccepted('nobody')}`);
    expect(await client.command(`USER ${USER}`)).toBe(`+OK ${T.userAccepted(USER)}`);
  });
});

test('§6 PASS without USER gets -ERR, and USER/PASS still works afterwards', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR( |$)/);
    expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
  });
});

test('§6 PASS after a failed PASS needs USER again', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command('PASS wrong')).toMatch(/^-ERR/);
    // Right password now, but the USER was used up.
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR/);
    expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
  });
});

describe('§6 the PASS argument is everything after "PASS ", spaces included', () => {
  const password = 'correct horse  battery   staple ';
  test.each([
    ['the exact password', password, true],
    ['single spaces instead of runs', 'correct horse battery staple ', false],
    ['without the trailing space', password.trimEnd(), false],
    ['only the first word', 'correct', false],
  ])('%s', async (_name, given, accepted) => {
    await withMock({ users: { carol: { password, messages: [MSG] } } }, async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('USER carol')).toMatch(/^\+OK/);
      expect(await client.command(`PASS ${given}`)).toMatch(accepted ? /^\+OK/ : /^-ERR/);
      expect(pop3.sessions[0]!.state).toBe(accepted ? 'TRANSACTION' : 'AUTHORIZATION');
    });
  });

  test('a password with a leading space', async () => {
    await withMock({ users: { dave: { password: ' lead', messages: [MSG] } } }, async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      await client.command('USER dave');
      expect(await client.command('PASS lead')).toMatch(/^-ERR/);
      await client.command('USER dave');
      expect(await client.command('PASS  lead')).toMatch(/^\+OK/);
    });
  });
});

test('§6 a successful PASS gets +OK and the session enters TRANSACTION', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command(`USER ${USER}`);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK( |$)/);
    expect(pop3.sessions[0]!.state).toBe('TRANSACTION');
    expect(pop3.sessions[0]!.user).toBe(USER);
    expect(await client.command('STAT')).toBe(STAT);
  });
});

test('§6 a wrong password gets -ERR [AUTH] (AUTH-RESP-CODE is advertised) and stays in AUTHORIZATION', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    const capa = await client.multi('CAPA');
    expect(capa.data.toString().split('\r\n')).toContain('AUTH-RESP-CODE');
    await client.command(`USER ${USER}`);
    expect(await client.command('PASS wrong')).toMatch(/^-ERR \[AUTH\]/);
    expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
    expect(await client.command('STAT')).toMatch(/^-ERR/);
  });
});

test('§6 an unknown user and a wrong password get the same -ERR (no user enumeration)', async () => {
  await withMailbox([MSG], async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    await client.command('USER nobody');
    const unknown = await client.command(`PASS ${PASSWORD}`);
    await client.command(`USER ${USER}`);
    const wrong = await client.command('PASS not-the-password');
    expect(unknown).toMatch(/^-ERR/);
    expect(unknown).toBe(wrong);
    const failures = pop3.sessions[0]!.events.filter((e) => e.type === 'auth');
    expect(failures.map((e) => e.type === 'auth' && e.result)).toEqual(['failed', 'failed']);
  });
});

test('§6 with cleartext login off until TLS, USER is not in CAPA and USER/PASS get -ERR', async () => {
  await withMailbox(
    [MSG],
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      const capa = (await client.multi('CAPA')).data.toString().split('\r\n');
      expect(capa).not.toContain('USER');
      expect(capa).toContain('STLS');
      expect(await client.command(`USER ${USER}`)).toMatch(/^-ERR/);
      expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR/);
      expect(pop3.sessions[0]!.state).toBe('AUTHORIZATION');
      expect(pop3.mailbox(USER).lockedBy).toBeUndefined();
    },
    { requireTls: true },
  );
});
