import type { Pop3Mock } from '../../../src';
import { runCurl } from '../../helpers/clients/curl';
import {
  aliceOptions,
  caFile,
  PASSWORD,
  pyOk,
  pyText,
  runPython,
  USER,
  warmPython,
  withMock,
} from './helpers';

// Real clients against the extensions, certificate verification on: curl's
// SASL mechanisms and STLS (--ssl-reqd), Python poplib's stls() and capa().

const MESSAGE = 'From: a@example.com\r\nSubject: clients\r\n\r\nhello\r\n';
const auth = (password = PASSWORD) => ['-u', `${USER}:${password}`];

/** Runs `fn` with the mock's CA written to a file. */
async function withCa(pop3: Pop3Mock, fn: (path: string) => Promise<void>): Promise<void> {
  const ca = await caFile(pop3);
  try {
    await fn(ca.path);
  } finally {
    await ca.remove();
  }
}

beforeAll(warmPython);

test.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])(
  '§22 curl --login-options AUTH=%s retrieves a message; a wrong password exits 67',
  async (mechanism) => {
    await withMock(aliceOptions([MESSAGE]), async (pop3) => {
      const options = ['--login-options', `AUTH=${mechanism}`];
      const ok = await runCurl([`${pop3.url}/1`, ...auth(), ...options]);
      expect(ok.stderr.toString()).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout.toString()).toBe(MESSAGE);
      const session = await pop3.sessionEnd();
      expect(session.authAttempts().map((a) => `${a.user}:${a.mechanism}:${a.result}`)).toEqual([
        `${USER}:${mechanism}:ok`,
      ]);
      expect(session.commands()[0]).toBe('CAPA');
      expect(session.commands()[1]).toMatch(new RegExp(`^AUTH ${mechanism}( |$)`));

      const refused = await runCurl([`${pop3.url}/1`, ...auth('wrong'), ...options]);
      expect(refused.code).toBe(67);
      const failed = await pop3.sessionEnd(pop3.sessions[1]);
      expect(failed.authAttempts().map((a) => `${a.mechanism}:${a.result}`)).toEqual([`${mechanism}:failed`]);
      expect(failed.user).toBeUndefined();
    });
  },
);

test('§20 curl --ssl-reqd upgrades with STLS (verifying the CA), then logs in inside TLS', async () => {
  await withMock(aliceOptions([MESSAGE]), async (pop3) => {
    await withCa(pop3, async (ca) => {
      const result = await runCurl([`${pop3.url}/1`, '--ssl-reqd', '--cacert', ca, ...auth()]);
      expect(result.stderr.toString()).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe(MESSAGE);
      const session = await pop3.sessionEnd();
      expect(session.tls).toBe('stls');
      const commands = session.commands();
      const stls = commands.indexOf('STLS');
      expect(stls).toBeGreaterThanOrEqual(0);
      // No credentials before STLS.
      expect(commands.slice(0, stls).filter((c) => /^(USER|PASS|AUTH|APOP)\b/.test(c))).toEqual([]);
      expect(session.user).toBe(USER);
    });
  });
});

test('§20 curl --ssl-reqd against a server without STLS gives up before sending credentials', async () => {
  await withMock(aliceOptions([MESSAGE], { tls: false }), async (pop3) => {
    const result = await runCurl([`${pop3.url}/1`, '--ssl-reqd', ...auth()]);
    // CURLE_USE_SSL_FAILED
    expect(result.code).toBe(64);
    const session = await pop3.sessionEnd();
    expect(session.commands().filter((c) => /^(USER|PASS|AUTH|APOP)\b/.test(c))).toEqual([]);
  });
});

test('§20 curl --ssl-reqd with requireTls: the server hides USER/PLAIN in cleartext, curl still logs in after STLS', async () => {
  await withMock(aliceOptions([MESSAGE], { requireTls: true }), async (pop3) => {
    await withCa(pop3, async (ca) => {
      const result = await runCurl([`${pop3.url}/1`, '--ssl-reqd', '--cacert', ca, ...auth()]);
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe(MESSAGE);
      const session = await pop3.sessionEnd();
      expect(session.tls).toBe('stls');
      expect(session.user).toBe(USER);
    });
  });
});

test('§17 §20 Python poplib capa() before and after stls() (verifying context), then login and RETR inside TLS', async () => {
  await withMock(aliceOptions([MESSAGE]), async (pop3) => {
    await withCa(pop3, async (ca) => {
      const results = await runPython('plain', pop3.port, ca, [
        ['capa'],
        ['stls'],
        ['tls_version'],
        ['capa'],
        ['user', USER],
        ['pass_', PASSWORD],
        ['capa'],
        ['retr', 1],
        ['stls'],
        ['quit'],
      ]);
      const before = pyOk(results[0]) as Record<string, string[]>;
      expect(before.STLS).toEqual([]);
      expect(before.SASL).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']);
      expect(pyText(pyOk(results[1]))).toMatch(/^\+OK/);
      expect(['TLSv1.2', 'TLSv1.3']).toContain(pyOk(results[2]));
      const after = pyOk(results[3]) as Record<string, string[]>;
      expect(Object.keys(after)).not.toContain('STLS');
      expect(after.SASL).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER']);
      const transaction = pyOk(results[6]) as Record<string, string[]>;
      expect(transaction).toEqual(after);
      const [, lines] = pyOk(results[7]) as [Buffer, Buffer[]];
      expect(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])).toString()).toBe(MESSAGE);
      // poplib refuses a second stls() itself ("-ERR TLS session already established").
      expect(results[8]).toMatchObject({ error: 'error_proto' });
      const session = await pop3.sessionEnd();
      expect(session.tls).toBe('stls');
      // stls() reads CAPA itself before sending STLS.
      expect(session.commands()).toEqual([
        'CAPA',
        'CAPA',
        'STLS',
        'CAPA',
        'USER alice',
        'PASS ******',
        'CAPA',
        'RETR 1',
        'QUIT',
      ]);
    });
  });
});

test('§20 Python poplib stls() against tls: false finds no STLS in CAPA and refuses; the session goes on in cleartext', async () => {
  await withMock(aliceOptions([MESSAGE], { tls: false }), async (pop3) => {
    const results = await runPython('plain', pop3.port, '', [
      ['capa'],
      ['stls'],
      ['user', USER],
      ['pass_', PASSWORD],
      ['stat'],
    ]);
    expect(Object.keys(pyOk(results[0]) as object)).not.toContain('STLS');
    expect(results[1]).toMatchObject({ error: 'error_proto' });
    expect(pyOk(results[4])).toEqual([1, Buffer.byteLength(MESSAGE)]);
    const session = await pop3.sessionEnd();
    expect(session.tls).toBe('none');
  });
});
