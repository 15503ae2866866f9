import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DialectName, dovecotDialect, startPop3Mock } from '../../../src';
import { generateTlsMaterial } from '../../../src/server/tls/certificate-modes';
import { RawClient } from '../../helpers/raw-client';
import { CAPTURE_USER, CAPTURE_USERS, captureAt, captureCli, comparable } from './capture-helpers';

// pop3-mock capture over TLS, with pop3-mock itself as the server: STLS and
// implicit TLS, the CA given with --ca or the check skipped with --insecure.
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-mock-capture-tls-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capture = (args: string[]) => captureCli(args, dir);

test('--starttls --ca: CAPA before and after STLS are two lists, and the replay answers each', async () => {
  // TLS required for USER: CAPA before STLS lacks USER and PLAIN, after it has them.
  const original = await startPop3Mock({ dialect: 'rfc', users: CAPTURE_USERS, requireTls: true });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    writeFileSync(join(dir, 'ca.pem'), original.tls.ca);
    const port = String(original.port);
    const run = await capture(['--port', port, '--starttls', '--ca', 'ca.pem', '--out', 'stls.json']);
    expect(run.err.at(-1)).not.toMatch(/failed|stopped/);
    expect(run.code).toBe(0);
    const file = JSON.parse(readFileSync(join(dir, 'stls.json'), 'utf8'));
    const { beforeLogin, afterStls } = file.capa;
    expect(beforeLogin).toContain('STLS');
    expect(beforeLogin).not.toContain('USER');
    expect(afterStls).toContain('USER');
    expect(afterStls).not.toContain('STLS');
    expect(file.texts.stlsBegin).toBeDefined();
    expect(file.texts.tlsAlreadyActive).toBeDefined();

    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS });
    const client = await RawClient.connect(replay.port);
    expect((await client.multi('CAPA')).lines).toEqual(beforeLogin);
    expect(await client.command('STLS')).toBe(`+OK ${file.texts.stlsBegin}`.trimEnd());
    await client.upgradeToTls(replay.tls.ca);
    expect((await client.multi('CAPA')).lines).toEqual(afterStls);
    client.destroy();

    const stls = (ca: string) => ({ starttls: true, tlsOptions: { ca } });
    const first = await captureAt(original.port, stls(original.tls.ca));
    const second = await captureAt(replay.port, stls(replay.tls.ca));
    expect(comparable(second.transcript)).toEqual(comparable(first.transcript));
  } finally {
    await original.close();
    await replay?.close();
  }
}, 60_000);

test.each<DialectName>(['dovecot', 'rfc'])(
  '--tls --insecure: the %s preset captured over implicit TLS replays the same',
  async (preset) => {
    const original = await startPop3Mock({ dialect: preset, users: CAPTURE_USERS, tlsPort: 0 });
    let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
    try {
      const port = String(original.tlsPort);
      const run = await capture(['--port', port, '--tls', '--insecure']);
      expect(run.code).toBe(0);
      const file = JSON.parse(run.out);
      expect(file.extends).toBe(preset);
      replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tlsPort: 0 });
      const tls = { tls: true, tlsOptions: { rejectUnauthorized: false } };
      const first = await captureAt(original.tlsPort ?? 0, tls);
      const second = await captureAt(replay.tlsPort ?? 0, tls);
      expect(comparable(second.transcript)).toEqual(comparable(first.transcript));
      expect(second.file).toEqual(first.file);
    } finally {
      await original.close();
      await replay?.close();
    }
  },
  60_000,
);

test('a CA that did not sign the certificate: exit 6, the handshake named and what to do; an unreadable --ca: exit 4', async () => {
  const pop3 = await startPop3Mock({ users: CAPTURE_USERS, tlsPort: 0 });
  try {
    writeFileSync(join(dir, 'other-ca.pem'), generateTlsMaterial().ca);
    const where = `127.0.0.1:${pop3.tlsPort}`;
    const implicit = await capture(['--port', String(pop3.tlsPort), '--tls', '--ca', 'other-ca.pem']);
    expect(implicit.code).toBe(6);
    expect(implicit.err.slice(-2)).toEqual([
      expect.stringMatching(
        new RegExp(`^pop3-mock capture: TLS handshake with ${where} failed: .*certificate`),
      ),
      "  give the server's CA certificate with --ca FILE, or skip the check with --insecure",
    ]);
    const stls = await capture(['--port', String(pop3.port), '--starttls', '--ca', 'other-ca.pem']);
    expect(stls.code).toBe(6);
    expect(stls.err.at(-2)).toMatch(/^pop3-mock capture: TLS handshake with 127\.0\.0\.1:\d+ failed: /);
    const missing = await capture(['--port', String(pop3.port), '--tls', '--ca', 'nowhere.pem']);
    expect(missing).toMatchObject({
      code: 4,
      err: ['pop3-mock capture: cannot read --ca nowhere.pem: not found'],
    });
    // Nothing listening: exit 6 too.
    const closed = await startPop3Mock({ users: CAPTURE_USERS });
    const freed = closed.port;
    await closed.close();
    const refused = await capture(['--port', String(freed)]);
    expect(refused.code).toBe(6);
    expect(refused.err.at(-1)).toMatch(
      new RegExp(`^pop3-mock capture: cannot connect to 127\\.0\\.0\\.1:${freed}: .*ECONNREFUSED`),
    );
  } finally {
    await pop3.close();
  }
});

test("--starttls against a server that takes no cleartext login: the file says behaviour.requireTls, and its replay refuses USER before STLS with the server's text", async () => {
  const live = await startPop3Mock({ dialect: 'dovecot', users: CAPTURE_USERS, requireTls: true });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(live.port, { starttls: true, tlsOptions: { ca: live.tls.ca } });
    expect(file.capa?.beforeLogin).not.toContain('USER');
    expect(file.capa?.afterStls).toContain('USER');
    expect(file.behaviour?.requireTls).toBe(true);
    expect(file.texts?.plaintextDisallowed).toBe(dovecotDialect.texts.plaintextDisallowed);
    // The file alone: no requireTls option.
    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS });
    const answers: string[] = [];
    for (const port of [live.port, replay.port]) {
      const client = await RawClient.connect(port);
      answers.push(await client.command(`USER ${CAPTURE_USER}`));
      client.destroy();
    }
    expect(answers[0]).toMatch(/^-ERR \[AUTH\] Plaintext/);
    expect(answers[1]).toBe(answers[0]);
  } finally {
    await live.close();
    await replay?.close();
  }
}, 60_000);

test('--starttls against a server that takes a cleartext login: the file says no requireTls', async () => {
  const live = await startPop3Mock({ dialect: 'dovecot', users: CAPTURE_USERS });
  try {
    const { file } = await captureAt(live.port, { starttls: true, tlsOptions: { ca: live.tls.ca } });
    expect(file.capa?.beforeLogin).toContain('USER');
    expect(file.behaviour?.requireTls).toBeUndefined();
    expect(file.texts?.plaintextDisallowed).toBeUndefined();
  } finally {
    await live.close();
  }
}, 60_000);
