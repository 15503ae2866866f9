import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectPop3Mock, type TlsCertificateMode } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { bundleSource } from '../../helpers/bundle-src';
import { pyOk, runPython, warmPython } from '../extensions/helpers';
import { BROKEN_MODES, curlPop3s, OPENSSL_ALERT } from './helpers';

// The issue's outside check: the CLI started with `--tls-port 0
// --tls-certificate MODE`, fetched over POP3S by curl and Python's poplib
// with certificate checks on, the transcript read over the control API.

installPop3Matchers();
const root = resolve(__dirname, '../../..');
const PASSWORD = 'cli-tls-secret';
let bundle: { dir: string; file: string };

beforeAll(async () => {
  await warmPython();
  bundle = await bundleSource('cli.ts', 'cli.js');
});
afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

interface Ready {
  tlsPort: number;
  controlUrl: string;
  controlToken: string;
  caFile: string;
}

/** Starts the CLI, runs `body` with its ready line, and always stops it. */
async function withCli(mode: TlsCertificateMode, body: (ready: Ready) => Promise<void>): Promise<void> {
  const args = ['--tls-port', '0', '--tls-certificate', mode, '--control-port', '0'];
  const child: ChildProcess = spawn(
    process.execPath,
    [bundle.file, ...args, '--user', `alice:${PASSWORD}:examples/fixtures/alice`],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const exited = new Promise((done) => child.on('close', done));
  try {
    let out = '';
    child.stdout!.setEncoding('utf8');
    for await (const chunk of child.stdout!) {
      out += chunk;
      if (out.includes('\n')) break;
    }
    if (!out.includes('\n')) throw new Error(`pop3-mock exited before it was ready:\n${stderr}`);
    await body(JSON.parse(out.slice(0, out.indexOf('\n'))) as Ready);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

test('valid: curl and Python poplib list the messages over POP3S, verifying against the CLI caFile', async () => {
  await withCli('valid', async (ready) => {
    const curl = await curlPop3s(ready.tlsPort, ready.caFile, 'alice', PASSWORD);
    expect(curl.code).toBe(0);
    expect(curl.stdout.toString()).toMatch(/^1 \d+\r\n/);
    const py = await runPython('ssl', ready.tlsPort, ready.caFile, [
      ['user', 'alice'],
      ['pass_', PASSWORD],
      ['list'],
    ]);
    // examples/fixtures/alice holds 4 messages.
    expect((pyOk(py[2]) as unknown[])[1]).toHaveLength(4);
    const remote = await connectPop3Mock({ url: ready.controlUrl, token: ready.controlToken });
    const sessions = await remote.listSessions();
    expect(sessions.every((s) => s.tlsRefusal === undefined && s.user === 'alice')).toBe(true);
  });
});

test.each(BROKEN_MODES)(
  '%s: curl and Python poplib refuse it; the transcript over the control API shows the refusal and no USER/PASS',
  async (mode) => {
    await withCli(mode, async (ready) => {
      const curl = await curlPop3s(ready.tlsPort, ready.caFile, 'alice', PASSWORD);
      expect([35, 60]).toContain(curl.code);
      const py = await runPython('ssl', ready.tlsPort, ready.caFile, [
        ['user', 'alice'],
        ['pass_', PASSWORD],
      ]);
      expect(py[0]).toMatchObject({ error: 'SSLCertVerificationError' });
      const remote = await connectPop3Mock({ url: ready.controlUrl, token: ready.controlToken });
      let sessions = await remote.listSessions();
      while (sessions.filter((s) => s.ended).length < 2) {
        await remote.waitFor((e) => e.type === 'session-end');
        sessions = await remote.listSessions();
      }
      const [byCurl, byPython] = sessions;
      const alert = OPENSSL_ALERT[mode];
      expect(byPython!.tlsRefusal).toMatchObject({ stage: 'handshake', cause: alert });
      expect(byCurl!.tlsRefusal).toMatchObject({ cause: mode === 'wrong-host' ? 'no-alert' : alert });
      expect(sessions).toHaveRefusedTls();
      const exported = await remote.exportTranscripts();
      expect(exported.sessions.map((s) => s.tlsRefusal?.cause)).toEqual([byCurl!.tlsRefusal!.cause, alert]);
      expect(exported.sessions.flatMap((s) => s.commands)).toEqual([]);
    });
  },
);
