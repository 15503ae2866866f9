import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDialect, startPop3Mock } from '../../../src';
import { main } from '../../../src/cli/main';
import { CAPTURE_MESSAGES } from './capture-helpers';
import { startFakeServer } from './fake-server';

/** `pop3-mock capture` as `user` against 127.0.0.1:`port`, writing `x.json` in a fresh folder. */
async function capture(port: number, user: string, password: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-capture-'));
  const err: string[] = [];
  const args = [
    'capture',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--user',
    user,
    '--password',
    password,
  ];
  const code = await main(
    [...args, '--out', 'x.json', '--timeout-ms', '2000'],
    { out: () => {}, err: (l) => err.push(l) },
    dir,
  );
  return { code, err, dir, path: join(dir, 'x.json') };
}

test.each([
  ['ed', { loggedIn: 'Logged in.', deleted: 'Marked to be deleted.' }],
  ['count', { listHeader: '{count} messages:' }],
])(
  'a user named %s: replaced as a whole word only, never inside a placeholder; the file loads',
  async (user, texts) => {
    const pop3 = await startPop3Mock({
      dialect: 'dovecot',
      users: { [user]: { password: 'pw', messages: CAPTURE_MESSAGES } },
      tls: false,
    });
    const run = await capture(pop3.port, user, 'pw');
    try {
      expect(run.code).toBe(0);
      const file = loadDialect(run.path);
      expect(file.texts).toMatchObject(texts);
    } finally {
      await pop3.close();
      rmSync(run.dir, { recursive: true, force: true });
    }
  },
  60_000,
);

test('a capture whose file would fail the dialect-file schema exits 1 and writes nothing', async () => {
  // A CAPA line that starts with a space: the schema refuses it (expected a CAPA line). (A tab or an 8-bit
  // octet in one no longer does: the capture writes `?` for it, as the replay would send it.)
  const fake = await startFakeServer({ capaExtra: [' IMPLEMENTATION Fake Server'] });
  const run = await capture(fake.port, 'alice', 'secret');
  try {
    expect(run.code).toBe(1);
    expect(existsSync(run.path)).toBe(false);
    expect(run.err.at(-1)).toMatch(
      /^pop3-mock capture: failed, no file written: .*capa\.beforeLogin\[3\]: expected a CAPA line/,
    );
  } finally {
    await fake.close();
    rmSync(run.dir, { recursive: true, force: true });
  }
}, 60_000);

test('a file written by the capture is one loadDialect reads back', async () => {
  const fake = await startFakeServer();
  const run = await capture(fake.port, 'alice', 'secret');
  try {
    expect(run.code).toBe(0);
    expect(loadDialect(run.path).format).toBe('pop3-mock-dialect/1');
    expect(readFileSync(run.path, 'utf8')).not.toContain('secret');
  } finally {
    await fake.close();
    rmSync(run.dir, { recursive: true, force: true });
  }
}, 60_000);

test('a text the file cannot give back names the user as "user" in notLearned, not by name', async () => {
  const server = await startFakeServer({ userByName: true });
  try {
    const { code, path, dir } = await capture(server.port, 'alice', 'secret');
    try {
      expect(code).toBe(0);
      const file = readFileSync(path, 'utf8');
      // USER's replies differ by user: one is not replayed, and notLearned says so without the real name.
      expect(JSON.parse(file).notLearned).toContainEqual(expect.stringMatching(/^texts\.userAccepted: /));
      expect(file).not.toMatch(/alice/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await server.close();
  }
});
