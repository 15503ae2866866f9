import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPop3Mock } from '../../../src';
import { main } from '../../../src/cli/main';
import { CAPTURE_PASSWORD, CAPTURE_USER, CAPTURE_USERS } from './capture-helpers';

test('pop3-mock capture writes the file to --out, progress to stderr, never the password', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-capture-'));
  const pop3 = await startPop3Mock({
    dialect: 'dovecot',
    users: CAPTURE_USERS,
    tls: false,
  });
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  try {
    const args = ['capture', '--host', '127.0.0.1', '--port', String(pop3.port), '--user', CAPTURE_USER];
    const code = await main(
      [...args, '--password', CAPTURE_PASSWORD, '--out', 'x.json', '--name', 'mine'],
      io,
      dir,
    );
    expect(code).toBe(0);
    expect(out).toEqual([]);
    const file = JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8'));
    expect(file).toMatchObject({ format: 'pop3-mock-dialect/1', name: 'mine', extends: 'dovecot' });
    expect(err.join('\n')).toContain('PASS ********');
    expect(err.join('\n')).not.toContain(CAPTURE_PASSWORD);
    expect(readFileSync(join(dir, 'x.json'), 'utf8')).not.toContain('127.0.0.1');
    expect(await main(['capture', '--host', 'h'], io, dir)).toBe(2);
    expect(err.at(-2)).toMatch(
      /^pop3-mock capture: --port: expected a port.*, got nothing; --user: .*; --password: /,
    );
  } finally {
    await pop3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
