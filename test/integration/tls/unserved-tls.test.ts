import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { InputError, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { bundleSource, type SourceBundle } from '../../helpers/bundle-src';
import { RawClient } from '../../helpers/raw-client';
import { listeningServers } from '../doors/support';

// TLS settings nothing serves (STLS off, no tlsPort) are refused: a test of
// "the client refuses an expired certificate" passed with no TLS at all.

const SOURCE = 'pop3-mock options';
const NO_PORT = 'and there is no tlsPort';
const users = { alice: { password: 'pw', messages: ['Subject: a\r\n\r\nhello\r\n'] } };

test.each<[string, Pop3MockOptions, { path: string; message: string }[]]>([
  [
    'a certificate mode with capabilities.stls: false',
    { capabilities: { stls: false }, tls: { certificate: 'expired' } },
    [
      {
        path: 'tls.certificate',
        message: `"expired" is set, but nothing serves TLS: STLS is off (capabilities.stls: false) ${NO_PORT} or SMTP intake`,
      },
    ],
  ],
  [
    'a version with a dialect without STLS',
    { dialect: 'rfc1939-minimal', tls: { maxVersion: 'TLSv1.2' } },
    [
      {
        path: 'tls.maxVersion',
        message: `"TLSv1.2" is set, but nothing serves TLS: STLS is off (the "rfc1939-minimal" dialect offers none) ${NO_PORT} or SMTP intake`,
      },
    ],
  ],
  [
    'requireTls with tls: false',
    { tls: false, requireTls: true },
    [
      {
        path: 'requireTls',
        message: `true, but nothing serves TLS: STLS is off (tls: false) ${NO_PORT}: every login would be refused`,
      },
    ],
  ],
  [
    'a certificate mode and requireTls with the gmail dialect',
    { dialect: 'gmail', tls: { certificate: 'wrong-host' }, requireTls: true },
    [
      {
        path: 'tls.certificate',
        message: `"wrong-host" is set, but nothing serves TLS: STLS is off (the "gmail" dialect offers none) ${NO_PORT} or SMTP intake`,
      },
      {
        path: 'requireTls',
        message: `true, but nothing serves TLS: STLS is off (the "gmail" dialect offers none) ${NO_PORT}: every login would be refused`,
      },
    ],
  ],
])('%s is refused, naming the path, before anything listens', async (_, options, issues) => {
  const servers = await listeningServers();
  // A server that starts anyway is closed, and the expectations below fail.
  const refused = startPop3Mock({ users, ...options }).then(async (pop3) => {
    await pop3.close();
    return pop3;
  });
  await expect(refused).rejects.toBeInstanceOf(InputError);
  await expect(refused).rejects.toMatchObject({ path: issues[0]!.path, issues });
  await expect(refused).rejects.toThrow(`${SOURCE}: ${issues[0]!.path}: ${issues[0]!.message}`);
  expect(await listeningServers()).toBeLessThanOrEqual(servers);
});

test('the same settings where something serves TLS start, and the POP3S port presents the mode', async () => {
  const pop3 = await startPop3Mock({
    users,
    dialect: 'rfc1939-minimal',
    tls: { certificate: 'expired' },
    tlsPort: 0,
    requireTls: true,
  });
  try {
    const socket = tlsConnect({ port: pop3.tlsPort!, host: '127.0.0.1', ca: pop3.tls.ca });
    const error = await new Promise<NodeJS.ErrnoException>((done) => socket.once('error', done));
    expect(error.code).toBe('CERT_HAS_EXPIRED');
    socket.destroy();
  } finally {
    await pop3.close();
  }
  // STLS off but the SMTP intake's STARTTLS presents the certificate; `tls: {}` sets nothing.
  for (const options of [
    { capabilities: { stls: false }, tls: { certificate: 'expired' }, smtp: true },
    { dialect: 'gmail', tls: {} },
  ] satisfies Pop3MockOptions[]) {
    const started = await startPop3Mock({ users, ...options });
    try {
      const client = await RawClient.login(started.port, 'alice', 'pw');
      expect(await client.command('STAT')).toMatch(/^\+OK 1 \d+/);
      await client.command('QUIT');
    } finally {
      await started.close();
    }
  }
});

describe('the CLI names each setting where it was written', () => {
  let bundle: SourceBundle;
  beforeAll(async () => {
    bundle = await bundleSource('cli.ts', 'cli.js');
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  const CERTIFICATE = `"expired" is set, but nothing serves TLS: STLS is off (the "rfc1939-minimal" dialect offers none) ${NO_PORT} or SMTP intake`;
  const HELP_HINT = 'Run pop3-mock --help for usage.';
  const REQUIRE_TLS = `true, but nothing serves TLS: STLS is off (the "rfc1939-minimal" dialect offers none) ${NO_PORT}: every login would be refused`;

  /** Runs the real CLI to its end; a ready line means it started, and it is stopped so the assertions say so. */
  async function refused(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [bundle.file, ...args, '--user', 'alice:pw'], {
      cwd: resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (stdout.includes('\n')) child.kill('SIGTERM');
    });
    return { code: await exited, stdout, stderr: stderr.trim() };
  }

  /** A config file in the bundle's private folder, named as the CLI is given it. */
  function config(name: string, content: object): string {
    const file = join(bundle.dir, name);
    writeFileSync(file, JSON.stringify(content));
    return file;
  }

  test('--tls-certificate and --require-tls: exit 2 (a bad command line) naming the flags, not tls.certificate and requireTls; never ready', async () => {
    const args = ['--dialect', 'rfc1939-minimal', '--tls-certificate', 'expired'];
    const [certificate, both] = await Promise.all([refused(args), refused([...args, '--require-tls'])]);
    expect(certificate).toEqual({
      code: 2,
      stdout: '',
      stderr: `pop3-mock: --tls-certificate: ${CERTIFICATE}\n${HELP_HINT}`,
    });
    expect(both).toEqual({
      code: 2,
      stdout: '',
      stderr: `pop3-mock: --tls-certificate: ${CERTIFICATE}; --require-tls: ${REQUIRE_TLS}\n${HELP_HINT}`,
    });
  });

  test('the same settings in a config file: exit 4 naming the file and its keys, also when a flag over the file is named as the flag', async () => {
    const file = config('unserved.json', {
      dialect: 'rfc1939-minimal',
      tls: { certificate: 'expired' },
      requireTls: true,
    });
    const [fromFile, flagOverFile] = await Promise.all([
      refused(['--config', file]),
      refused(['--config', file, '--tls-certificate', 'expired']),
    ]);
    expect(fromFile).toEqual({
      code: 4,
      stdout: '',
      stderr: `pop3-mock: config ${file}: tls.certificate: ${CERTIFICATE}; requireTls: ${REQUIRE_TLS}`,
    });
    expect(flagOverFile).toEqual({
      code: 4,
      stdout: '',
      stderr: `pop3-mock: --tls-certificate: ${CERTIFICATE}; config ${file}: requireTls: ${REQUIRE_TLS}`,
    });
  });
});
