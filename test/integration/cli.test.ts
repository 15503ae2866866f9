import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import nodemailer from 'nodemailer';
import { connectPop3Mock, on, startPop3Mock } from '../../src';
import { buildStartPlan } from '../../src/cli/build-options';
import { main } from '../../src/cli/main';
import { parseCliArgs } from '../../src/cli/parse-args';
import { loadConfig } from '../../src/config/load-config';
import { loadDialect } from '../../src/config/load-dialect';
import { escapeRegExp } from '../../src/escape-regexp';
import { DIALECT_NAMES } from '../../src/schema/dialect-names';
import { bundleSource } from '../helpers/bundle-src';
import { runCurl } from '../helpers/clients/curl';
import { fetchOverPop3 } from '../helpers/pop3-fetch';
import { RawClient } from '../helpers/raw-client';

// The process contract (ready line, signals, exit codes) is tested on a real
// child process, bundled from the current sources into a private folder (not
// dist/, which other suites read and `tsup` cleans), so this file never runs a
// stale build. Node takes ~0.3 s to start, so the error matrix runs main()
// in-process with its own stdout/stderr: same code, same exit codes.

const root = resolve(__dirname, '../..');
const fixtures = join(root, 'examples', 'fixtures');
let workDir: string;
let cliPath: string;

beforeAll(async () => {
  const bundle = await bundleSource('cli.ts', 'cli.js');
  workDir = bundle.dir;
  cliPath = bundle.file;
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface Ready {
  host: string;
  port: number;
  tlsPort: number | null;
  controlUrl: string | null;
  controlToken: string | null;
  smtpPort: number | null;
  smtpTlsPort: number | null;
  caFile: string | null;
  uiUrl: string | null;
}

/** A running CLI process with its output collected. */
class Cli {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [cliPath, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    running.add(this);
  }

  /** The JSON ready line, as soon as stdout holds a whole line. */
  async ready(): Promise<Ready> {
    const stdout = this.child.stdout!;
    while (!this.stdout.includes('\n')) {
      await new Promise<void>((resolve, reject) => {
        const failed = () => reject(new Error(`pop3-mock exited before it was ready:\n${this.stderr}`));
        stdout.once('data', () => {
          this.child.off('close', failed);
          resolve();
        });
        this.child.once('close', failed);
      });
    }
    return JSON.parse(this.stdout.slice(0, this.stdout.indexOf('\n'))) as Ready;
  }

  /** Resolves with the first match of `pattern` in stderr, as soon as stderr holds one. */
  async stderrMatch(pattern: RegExp): Promise<RegExpExecArray> {
    const stderr = this.child.stderr!;
    for (;;) {
      const match = pattern.exec(this.stderr);
      if (match) return match;
      await new Promise<void>((resolve, reject) => {
        const failed = () =>
          reject(new Error(`pop3-mock exited before printing ${pattern}:\n${this.stderr}`));
        stderr.once('data', () => {
          this.child.off('close', failed);
          resolve();
        });
        this.child.once('close', failed);
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops reading its stdout and stderr, as `| head` does once it has its lines. */
  closeOutputs(): void {
    this.child.stdout!.destroy();
    this.child.stderr!.destroy();
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

const running = new Set<Cli>();
afterEach(async () => {
  for (const cli of running) {
    if (cli.alive) cli.kill('SIGKILL');
    await cli.exited;
  }
  running.clear();
});

/** Runs the CLI process to its end. */
async function runToExit(args: string[], env?: NodeJS.ProcessEnv) {
  const cli = new Cli(args, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

/** Runs main() in this process, for runs that end without serving. */
async function runMain(args: string[], cwd = root) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, cwd);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function emlCount(dir: string): number {
  return readdirSync(dir).filter((name) => name.endsWith('.eml')).length;
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return address.port;
}

const secret = () => `pw-${randomBytes(6).toString('hex')}`;

describe('the pop3-mock process', () => {
  test('--user: one JSON ready line on stdout, logs on stderr, no password; SIGTERM exits 0 and frees the port', async () => {
    const password = secret();
    const cli = new Cli(['--user', `alice:${password}:examples/fixtures/alice`]);
    const ready = await cli.ready();
    expect(Object.keys(ready)).toEqual([
      'host',
      'port',
      'tlsPort',
      'controlUrl',
      'controlToken',
      'smtpPort',
      'smtpTlsPort',
      'caFile',
      'uiUrl',
    ]);
    expect(ready).toEqual({
      host: '127.0.0.1',
      port: expect.any(Number),
      tlsPort: null,
      controlUrl: null,
      controlToken: null,
      smtpPort: null,
      smtpTlsPort: null,
      caFile: expect.stringMatching(/ca\.pem$/),
      uiUrl: null,
    });

    const client = await RawClient.login(ready.port, 'alice', password);
    const count = emlCount(join(fixtures, 'alice'));
    expect(await client.command('STAT')).toMatch(new RegExp(`^\\+OK ${count} \\d+$`));
    // A session still open must not keep the process alive.
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    await client.closed();
    await closeServer(await listenOn(ready.port));

    expect(cli.stdout).toBe(`${JSON.stringify(ready)}\n`);
    expect(cli.stderr).toContain(`listening on pop3://127.0.0.1:${ready.port}`);
    // Not demo data: curl asks for the password.
    expect(cli.stderr).toContain(`\ncurl pop3://127.0.0.1:${ready.port}/ -u alice\n`);
    expect(cli.stderr).toContain(`user alice: ${count} messages`);
    expect(cli.stderr).toContain('session 1: alice: logged in');
    expect(cli.stderr).toContain('SIGTERM received, closing');
    expect(cli.stderr).not.toContain(password);
  });

  test('a config with portFallback: true whose port is in use says which port it took instead', async () => {
    const holder = await listenOn(0);
    try {
      const port = portOf(holder);
      const config = join(mkdtempSync(join(workDir, 'fallback-')), 'pop3.json');
      writeFileSync(
        config,
        JSON.stringify({ port, portFallback: true, users: { alice: { password: 'a' } } }),
      );
      const cli = new Cli(['--config', config]);
      const ready = await cli.ready();
      expect(ready.port).not.toBe(port);
      cli.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.stderr).toContain(
        `pop3-mock: port ${port} was in use: listening on ${ready.port} instead (portFallback)\n`,
      );
    } finally {
      await closeServer(holder);
    }
  });

  test('a reader that stops reading its output (| head) does not end the server: it serves on, and SIGTERM still cleans up', async () => {
    const password = secret();
    const cli = new Cli(['--user', `alice:${password}`]);
    const ready = await cli.ready();
    expect(existsSync(ready.caFile!)).toBe(true);
    cli.closeOutputs();
    // Sessions make log lines, written into the closed pipes.
    for (let round = 0; round < 3; round++) {
      const client = await RawClient.login(ready.port, 'alice', password);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      await client.closed();
    }
    expect(cli.alive).toBe(true);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(existsSync(ready.caFile!)).toBe(false);
  });

  test('SIGHUP (the terminal it ran in closed, its outputs with it): it closes, exits 0 and removes its CA file', async () => {
    // By default SIGHUP ends a Node process at once: the CA file the ready line named stayed in the temp folder.
    const cli = new Cli(['--user', `alice:${secret()}`]);
    const ready = await cli.ready();
    expect(existsSync(ready.caFile!)).toBe(true);
    cli.closeOutputs();
    cli.kill('SIGHUP');
    expect(await cli.exited).toBe(0);
    expect(existsSync(ready.caFile!)).toBe(false);
  });

  test("a config's \"dialect\" may be a dialect file's path, relative to the config's folder, as --dialect FILE is; --dialect wins over it unread; a word that is neither is refused", async () => {
    // The README says every flag is a config key checked by the same schema; "dialect": "./x.json" was refused.
    const dir = mkdtempSync(join(workDir, 'config-dialect-'));
    try {
      const write = (name: string, data: object) => {
        writeFileSync(join(dir, name), JSON.stringify(data));
        return join(dir, name);
      };
      write('mine.json', {
        format: 'pop3-mock-dialect/1',
        name: 'mine',
        extends: 'rfc',
        texts: { greeting: 'the config folder server is ready' },
      });
      const password = secret();
      const users = { alice: { password } };
      const missing = write('missing.json', { users, dialect: './no-such-dialect.json' });
      // The four processes start at once: none needs another.
      const cli = new Cli(['--config', write('by-path.json', { users, dialect: './mine.json' })]);
      // The flag wins: the config's file is not read (it does not exist).
      const flagged = new Cli(['--config', missing, '--dialect', 'dovecot']);
      const aloneRun = runToExit(['--config', missing]);
      const misspeltRun = runToExit(['--config', write('misspelt.json', { users, dialect: 'dovcot' })]);

      const client = await RawClient.connect((await cli.ready()).port);
      expect(client.greeting).toBe('+OK the config folder server is ready');
      await client.command('QUIT');
      expect(cli.stderr).toContain('(dialect mine (./mine.json))');
      cli.kill('SIGTERM');
      expect(await cli.exited).toBe(0);

      const dovecot = await RawClient.connect((await flagged.ready()).port);
      expect(dovecot.greeting).toBe('+OK Dovecot ready.');
      await dovecot.command('QUIT');
      flagged.kill('SIGTERM');
      expect(await flagged.exited).toBe(0);
      // Without the flag the missing file is a bad config (4), named by its whole path.
      const alone = await aloneRun;
      expect(alone.code).toBe(4);
      expect(alone.stderr).toContain(
        `dialect: cannot read dialect file ${join(dir, 'no-such-dialect.json')}`,
      );

      const misspelt = await misspeltRun;
      expect(misspelt.code).toBe(4);
      expect(misspelt.stderr).toContain(
        `dialect: expected one of ${DIALECT_NAMES.map((n) => JSON.stringify(n)).join(', ')}, or a dialect file's path (with / or ending in .json), got "dovcot"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the CA files of CLIs and jest runs that were killed are removed when a CLI starts; a running process keeps its own', async () => {
    // A SIGKILLed CLI cannot remove its CA file: the temp folder kept one per killed run.
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = [
      join(tmpdir(), `pop3-mock-cli-${gone}-ca.pem`),
      join(tmpdir(), `pop3-mock-jest-${gone}-ca.pem`),
    ];
    const live = join(tmpdir(), `pop3-mock-jest-${process.pid}-ca.pem`);
    try {
      for (const file of [...stale, live]) writeFileSync(file, 'not a CA');
      const cli = new Cli(['--user', `alice:${secret()}`]);
      const ready = await cli.ready();
      expect(stale.filter((file) => existsSync(file))).toEqual([]);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(ready.caFile!)).toBe(true);
      cli.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      for (const file of [...stale, live]) rmSync(file, { force: true });
    }
  });

  test('STLS off but the SMTP intake on: caFile is still printed, and STARTTLS verifies against it', async () => {
    const dir = mkdtempSync(join(workDir, 'smtp-ca-'));
    const config = join(dir, 'pop3.json');
    writeFileSync(config, JSON.stringify({ capabilities: { stls: false } }));
    const cli = new Cli(['--config', config, '--user', `alice:${secret()}`, '--smtp-port', '0']);
    const ready = await cli.ready();
    expect(ready.smtpPort).toEqual(expect.any(Number));
    // It was null: a client had no CA to check the certificate STARTTLS presents.
    expect(ready.caFile).toMatch(/ca\.pem$/);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: ready.smtpPort!,
      requireTLS: true,
      tls: { ca: readFileSync(ready.caFile!, 'utf8') },
    });
    try {
      const info = await transport.sendMail({
        from: 's@example.com',
        to: 'alice@example.com',
        raw: 'Subject: a\r\n\r\nb\r\n',
      });
      expect(info.accepted).toEqual(['alice@example.com']);
    } finally {
      transport.close();
    }
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  test("a config file that logs: its output goes to stderr, the ready line stays stdout's first line", async () => {
    const dir = mkdtempSync(join(workDir, 'logging-config-'));
    const config = join(dir, 'pop3.cjs');
    writeFileSync(
      config,
      "console.log('hello from config'); console.info('info too'); module.exports = { port: 0 };",
    );
    const cli = new Cli(['--config', config, '--user', `alice:${secret()}`]);
    // ready() reads stdout's first line as JSON: it was "hello from config".
    expect((await cli.ready()).port).toEqual(expect.any(Number));
    expect(cli.stderr).toContain('hello from config');
    expect(cli.stderr).toContain('info too');
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  test('a config file that writes to stdout another way (console.dir, process.stdout.write): stderr too', async () => {
    const dir = mkdtempSync(join(workDir, 'writing-config-'));
    const config = join(dir, 'pop3.cjs');
    writeFileSync(
      config,
      "console.dir({ from: 'dir' }); process.stdout.write('written\\n'); module.exports = { port: 0 };",
    );
    const cli = new Cli(['--config', config, '--user', `alice:${secret()}`]);
    // ready() reads stdout's first line as JSON: it was "{ from: 'dir' }".
    expect((await cli.ready()).port).toEqual(expect.any(Number));
    expect(cli.stderr).toContain("{ from: 'dir' }");
    expect(cli.stderr).toContain('written');
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  test('an ES module config with a default export and named ones: refused (exit 4), the named ones were dropped unread', async () => {
    const dir = mkdtempSync(join(workDir, 'esm-config-'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const config = join(dir, 'pop3.js');
    writeFileSync(config, 'export default { port: 0 };\nexport const seed = "bad";\n');
    const cli = new Cli(['--config', config, '--user', `alice:${secret()}`]);
    expect(await cli.exited).toBe(4);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain(
      `config ${config}: expected a default export or named exports, not both ("seed" beside the default would be ignored)`,
    );
  });

  test('--tls-port and --control-port: POP3S verified against caFile, control API with the printed token', async () => {
    const password = secret();
    const cli = new Cli([
      '--user',
      `alice:${password}:examples/fixtures/alice`,
      '--tls-port',
      '0',
      '--control-port',
      '0',
    ]);
    const ready = await cli.ready();
    expect(ready.tlsPort).toEqual(expect.any(Number));
    expect(ready.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(ready.caFile!, 'utf8');
    const greeting = await new Promise<string>((resolvePromise, reject) => {
      const socket = tlsConnect(
        { host: '127.0.0.1', port: ready.tlsPort!, ca, servername: 'localhost' },
        () => {
          socket.once('data', (d: Buffer) => {
            socket.end('QUIT\r\n');
            resolvePromise(d.toString());
          });
        },
      );
      socket.on('error', reject);
    });
    expect(greeting).toMatch(/^\+OK /);
    const remote = await connectPop3Mock({ url: ready.controlUrl!, token: ready.controlToken! });
    expect(remote.port).toBe(ready.port);
    expect((await remote.mailbox('alice').messages()).length).toBe(emlCount(join(fixtures, 'alice')));
    const unauthorised = await fetch(`${ready.controlUrl}/api/status`);
    expect(unauthorised.status).toBe(401);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(existsSync(ready.caFile!)).toBe(false);
    expect(cli.stderr).not.toContain(password);
    // The log names the listeners besides POP3 too, not only the JSON line.
    expect(cli.stderr).toContain(
      `pop3-mock: also listening: POP3S (implicit TLS) on port ${ready.tlsPort}, the control API at ${ready.controlUrl}\n`,
    );
  });

  test('transcripts: the newest 1000 ended sessions unless told; --keep-sessions bounds them and the control API says what was dropped', async () => {
    // Both processes start at once.
    const byDefault = new Cli(['--config', 'examples/pop3-mock.config.json']);
    const bounded = new Cli(['--config', 'examples/pop3-mock.config.json', '--keep-sessions', '2']);
    const ready = await byDefault.ready();
    await byDefault.stderrMatch(
      /keeping the transcripts of the newest 1000 ended sessions \(--keep-sessions N\|all\)/,
    );
    const remote = await connectPop3Mock({ url: ready.controlUrl!, token: ready.controlToken! });
    expect(remote.keepSessions).toBe(1000);
    await remote.close();
    byDefault.kill('SIGTERM');
    expect(await byDefault.exited).toBe(0);

    const small = await bounded.ready();
    for (let i = 0; i < 3; i++) {
      const client = await RawClient.login(small.port, 'alice', 'alice-secret');
      await client.command('QUIT');
      await client.closed();
    }
    const smallRemote = await connectPop3Mock({ url: small.controlUrl!, token: small.controlToken! });
    expect(smallRemote.keepSessions).toBe(2);
    expect(await smallRemote.droppedSessions()).toEqual({ sessions: 1, lastId: 1, keep: 2 });
    expect((await smallRemote.listSessions()).map((s) => s.id)).toEqual([2, 3]);
    await smallRemote.close();
    // The end-of-session lines go on for every session, dropped or not.
    await bounded.stderrMatch(/session 3 ended \(quit-update, 0 retrieved, 0 deleted\)/);
    expect(bounded.stderr).toContain('session 1 ended (quit-update, 0 retrieved, 0 deleted)');
    bounded.kill('SIGTERM');
    expect(await bounded.exited).toBe(0);
  });

  test('--smtp-port, --smtp-tls-port, --smtp-auth required: curl sends over SMTPS with AUTH, POP3 fetches it; the ports in the ready line and the status', async () => {
    const password = secret();
    const cli = new Cli([
      '--user',
      `alice:${password}`,
      '--smtp-port',
      '0',
      '--smtp-tls-port',
      '0',
      '--smtp-auth',
      'required',
      '--control-port',
      '0',
    ]);
    const ready = await cli.ready();
    expect(ready.smtpPort).toEqual(expect.any(Number));
    expect(ready.smtpTlsPort).toEqual(expect.any(Number));
    const remote = await connectPop3Mock({ url: ready.controlUrl!, token: ready.controlToken! });
    expect([remote.smtpPort, remote.smtpTlsPort]).toEqual([ready.smtpPort, ready.smtpTlsPort]);
    const envelope = [
      '--mail-from',
      's@example.com',
      '--mail-rcpt',
      'alice@example.com',
      '--upload-file',
      '-',
    ];
    const message = 'Subject: via cli\r\n\r\nhi\r\n';
    const url = `smtps://127.0.0.1:${ready.smtpTlsPort}`;
    // Required: without AUTH, MAIL FROM gets 530.
    const refused = await runCurl([url, '--cacert', ready.caFile!, ...envelope], message);
    expect(refused.stderr.toString()).toMatch(/530/);
    const sent = await runCurl(
      [url, '--cacert', ready.caFile!, '-u', `alice:${password}`, ...envelope],
      message,
    );
    expect(sent.stderr.toString()).toBe('');
    const fetched = await fetchOverPop3(ready.port, 'alice', password);
    expect(fetched.bytes.toString('latin1')).toMatch(/^Return-Path: <s@example\.com>\r\nReceived: from /);
    expect(fetched.bytes.toString('latin1')).toContain(' with ESMTPSA (using TLSv1.');
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr).not.toContain(password);
  });

  test('--smtp-auth takes off, optional or required (the config key smtpAuth decides, with its message)', () => {
    expect(parseCliArgs(['--smtp-auth', 'optional']).options.smtpAuth).toBe('optional');
    expect(() => parseCliArgs(['--smtp-auth', 'yes'])).toThrow(
      '--smtp-auth: expected "off", "optional" or "required", got "yes"',
    );
  });

  test('--config: every user of the example config, fixture paths resolved against its folder; SIGINT exits 0', async () => {
    const config = JSON.parse(readFileSync(join(root, 'examples/pop3-mock.config.json'), 'utf8')) as {
      demo: boolean;
      users: Record<string, { password: string }>;
    };
    const expected: Record<string, number> = {
      alice: emlCount(join(fixtures, 'alice')),
      bob: readFileSync(join(fixtures, 'bob.mbox'), 'latin1').match(/^From /gm)!.length,
      carol: ['cur', 'new'].flatMap((d) => readdirSync(join(fixtures, 'carol-maildir', d))).length,
    };
    expect(Object.keys(config.users).sort()).toEqual(Object.keys(expected));

    // Run from the package root: "fixtures/alice" exists only relative to examples/.
    const cli = new Cli(['--config', 'examples/pop3-mock.config.json']);
    const { port } = await cli.ready();
    for (const [user, count] of Object.entries(expected)) {
      const client = await RawClient.login(port, user, config.users[user]!.password);
      expect(await client.command('STAT')).toMatch(new RegExp(`^\\+OK ${count} \\d+$`));
      await client.command('QUIT');
      await client.closed();
    }
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout.split('\n')).toEqual([expect.stringMatching(/^\{"host":/), '']);
    expect(cli.stderr).toContain('password: see examples/pop3-mock.config.json');
    // The example is marked demo data: its first user's password is in the curl line, and only there.
    expect(config.demo).toBe(true);
    const [first, ...others] = Object.values(config.users);
    const curlLines = cli.stderr.split('\n').filter((l) => l.includes(first!.password));
    expect(curlLines).toEqual([`curl pop3://127.0.0.1:${port}/ -u alice:${first!.password}`]);
    for (const { password } of others) expect(cli.stdout + cli.stderr).not.toContain(password);
  });

  test('npm start: the printed curl line, run as printed with sh -c, lists the messages', async () => {
    // What `npm start` runs, after its build.
    const cli = new Cli(['--config', 'examples/pop3-mock.config.json']);
    await cli.ready();
    const [line] = await cli.stderrMatch(/^curl .*$/m);
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((done) => {
      // curl's progress meter goes to its stderr, which nobody reads here.
      const sh = spawn('sh', ['-c', line], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      sh.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      sh.on('close', (exit) => done({ stdout: out, code: exit }));
    });
    expect(code).toBe(0);
    const listing = stdout.trimEnd().split(/\r?\n/);
    expect(listing).toHaveLength(emlCount(join(fixtures, 'alice')));
    expect(listing).toEqual(listing.map((_, i) => expect.stringMatching(new RegExp(`^${i + 1} \\d+$`))));
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  test('exit codes: 3 for a port in use, 4 for a bad fixture, 2 for an unknown option; nothing on stdout', async () => {
    const holder = await listenOn(0);
    try {
      const port = portOf(holder);
      const password = secret();
      const missing = join('examples', 'fixtures', `missing-${randomBytes(4).toString('hex')}`);
      const [inUse, badFixture, badOption] = await Promise.all([
        runToExit(['--port', String(port), '--user', `alice:${password}`]),
        runToExit(['--user', `alice:${password}:${missing}`]),
        runToExit(['--bogus']),
      ]);
      expect(inUse).toEqual({
        code: 3,
        stdout: '',
        stderr: `pop3-mock: port ${port} on 127.0.0.1 is in use (--port): choose another, or 0 for any free port\n`,
      });
      expect(badFixture).toEqual({
        code: 4,
        stdout: '',
        stderr: `pop3-mock: --user alice: fixture not found: ${join(root, missing)}\n`,
      });
      expect(badOption.code).toBe(2);
      expect(badOption.stdout).toBe('');
      expect(badOption.stderr).toContain('unknown option --bogus');
    } finally {
      await closeServer(holder);
    }
  });

  test('--faults given twice: the rules of both files are active', async () => {
    const dir = mkdtempSync(join(workDir, 'faults-'));
    const rule = (verb: string, line: string) => ({
      trigger: { point: 'command', verbs: [verb] },
      action: { type: 'reply', lines: [line] },
    });
    writeFileSync(join(dir, 'a.json'), JSON.stringify([rule('NOOP', '-ERR from a.json')]));
    writeFileSync(join(dir, 'b.json'), JSON.stringify([rule('STAT', '-ERR from b.json')]));
    const password = secret();
    const cli = new Cli([
      '--faults',
      join(dir, 'a.json'),
      '--faults',
      join(dir, 'b.json'),
      '--user',
      `alice:${password}`,
    ]);
    const ready = await cli.ready();
    const client = await RawClient.login(ready.port, 'alice', password);
    try {
      expect(await client.command('NOOP')).toBe('-ERR from a.json');
      expect(await client.command('STAT')).toBe('-ERR from b.json');
    } finally {
      client.destroy();
    }
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  test('a single-value flag given twice is refused: exit 2 naming the flag and both values, nothing on stdout', async () => {
    const [port, config] = await Promise.all([
      // --exit-on-stdin-close (stdin is closed): a start that is not refused ends at once, not at the timeout.
      runToExit(['--port', '1', '--port', '2', '--user', 'alice:pw', '--exit-on-stdin-close']),
      // What `npm start -- --config other.json` runs: the script's own --config, then the other.
      runToExit(['--config', 'examples/pop3-mock.config.json', '--config', 'other.json']),
    ]);
    expect(port).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pop3-mock: --port given twice (1 and 2): give it once\nRun pop3-mock --help for usage.\n',
    });
    expect(config).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'pop3-mock: --config given twice (examples/pop3-mock.config.json and other.json): give it once\nRun pop3-mock --help for usage.\n',
    });
  });

  // The variable is set by what starts the command, as its flags are: a bad one is bad usage (2), as
  // --help says, not a bad config file or fixture (4).
  test('a bad POP3_MOCK_TOKEN is named as that variable, its value not shown: exit 2, as --help says, nothing on stdout', async () => {
    const token = 'short';
    const [bad, help] = await Promise.all([
      runToExit(['--control-port', '0'], { ...process.env, POP3_MOCK_TOKEN: token }),
      runToExit(['--help']),
    ]);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'pop3-mock: environment: POP3_MOCK_TOKEN: expected a token of 8 to 512 printable characters, got a string (not shown)\nRun pop3-mock --help for usage.\n',
    });
    // The exit code's entry in --help, up to the next code's.
    const entry = /^ {2}2 {2}([\s\S]*?)^ {2}3 {2}/m.exec(help.stdout)?.[1];
    expect(entry?.replace(/\s+/g, ' ')).toContain('bad POP3_MOCK_TOKEN environment variable');
  });

  test('a Buffer among the messages of a .cjs config: one issue at its path, saying what a config file takes instead, not its indices and methods as unknown keys', async () => {
    const dir = mkdtempSync(join(workDir, 'buffer-config-'));
    const file = join(dir, 'config.cjs');
    writeFileSync(
      file,
      `module.exports = { users: { alice: { password: ${JSON.stringify(secret())}, messages: [Buffer.from('a\\r\\n')] } } };`,
    );
    const result = await runToExit(['--config', file]);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 4, stdout: '' });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^pop3-mock: config ${escapeRegExp(file)}: users\\.alice\\.messages\\[0\\]: expected a message: .*\\{ raw: buffer\\.toString\\(\\) \\}.*, got a Buffer of 3 bytes$`,
      ),
    );
  });

  test('--version prints the package version; the build keeps the shebang', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await runToExit(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(readFileSync(cliPath, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('a stop while the server starts', () => {
  test('SIGTERM that comes while the server starts: it closes once listening, prints no ready line, exits 0', async () => {
    // The signal comes right after run() listens for it, while startPop3Mock() is under way.
    const signalOnListen = (event: string | symbol) => {
      if (event !== 'SIGTERM') return;
      process.off('newListener', signalOnListen);
      queueMicrotask(() => process.emit('SIGTERM', 'SIGTERM'));
    };
    process.on('newListener', signalOnListen);
    try {
      expect(await runMain(['--user', 'alice:pw'])).toEqual({
        code: 0,
        stdout: '',
        stderr: 'pop3-mock: SIGTERM received, closing\npop3-mock: closed',
      });
    } finally {
      process.off('newListener', signalOnListen);
    }
  });
});

describe('main() without serving', () => {
  test.each([
    [['--bogus'], 'unknown option --bogus'],
    [['stray'], 'unexpected argument "stray"'],
    // Flag values are checked by the config file's schema: the same words as in a config.
    [['--port', '65536'], '--port: expected an integer from 0 to 65535, got 65536'],
    [
      ['--port', '1e3'],
      '--port: expected a port: an integer from 0 to 65535, or a string of its digits, got "1e3"',
    ],
    [['--seed', 'x'], '--seed: expected an integer from 0 to 4294967295, got "x"'],
    [['--max-sessions=-1'], '--max-sessions: expected an integer >= 0, got "-1"'],
    [
      ['--max-sessions', '-1'],
      '--max-sessions needs a value; for one starting with "-" write --max-sessions=VALUE',
    ],
    [['--lock', 'shared'], '--lock: expected one of "exclusive", "none", got "shared"'],
    [['--autologout-ms', '0'], '--autologout-ms: expected a number from 1 to 2147483647, got "0"'],
    [['--user', 'alice'], '--user needs NAME:PASSWORD[:PATH] (no ":" found)'],
    [['--user', ':pw'], '--user needs a user name before the first ":"'],
    [['--user', 'alice:'], '--user alice: the password is empty'],
    [['--user', 'alice:pw:'], '--user alice: the fixture path after the second ":" is empty'],
    [['--user', 'a:x', '--user', 'a:y'], '--user a is given twice'],
    [
      ['--dialect', 'nope'],
      '--dialect: expected one of "rfc", "dovecot", "gmail", "greenmail", "rfc1939-minimal", or a dialect file\'s path (with / or ending in .json), got "nope"',
    ],
  ])('usage error %j: exit code 2', async (args, message) => {
    expect(await runMain(args)).toEqual({
      code: 2,
      stdout: '',
      stderr: `pop3-mock: ${message}\nRun pop3-mock --help for usage.`,
    });
  });

  test('--user splits at the first two colons: the path may hold more', () => {
    expect(parseCliArgs(['-u', 'alice:pw:C:\\mail', '--user=bob:pw2']).users).toEqual([
      { name: 'alice', password: 'pw', path: 'C:\\mail' },
      { name: 'bob', password: 'pw2', path: undefined },
    ]);
  });

  test('--help prints the usage with the exit codes on stdout', async () => {
    const { code, stdout, stderr } = await runMain(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pop3-mock /);
    for (const n of [0, 1, 2, 3, 4]) expect(stdout).toMatch(new RegExp(`^ {2}${n} {2}\\S`, 'm'));
    expect(stderr).toBe('');
  });

  test('a --faults or --dialect file that cannot be read exits 4, and --help says 4 is for them too', async () => {
    const missing = `missing-${randomBytes(4).toString('hex')}.json`;
    const faults = await runMain(['--user', 'alice:pw', '--faults', missing]);
    const dialect = await runMain(['--user', 'alice:pw', '--dialect', `./${missing}`]);
    expect([faults.code, dialect.code]).toEqual([4, 4]);
    // The exit-code table said "bad config file or fixture path": a script branching on it was misled.
    const usage = (await runMain(['--help'])).stdout;
    const four = usage.slice(usage.indexOf('\n  4  '), usage.indexOf('\n\nSubcommand'));
    expect(four).toMatch(/faults/);
    expect(four).toMatch(/dialect/);
  });

  // The port named is the one that is busy (SMTP's, not POP3's), and an explicit port has no fallback.
  test.each([
    ['a port in use with an explicit --port: no fallback, exit code 3', '--port'],
    ['a busy SMTP port is the one named, not the POP3 port: exit code 3', '--smtp-port'],
  ])('%s', async (_name, flag) => {
    const holder = await listenOn(0);
    try {
      const port = portOf(holder);
      expect(await runMain([flag, String(port)])).toEqual({
        code: 3,
        stdout: '',
        stderr: `pop3-mock: port ${port} on 127.0.0.1 is in use (${flag}): choose another, or 0 for any free port`,
      });
    } finally {
      await closeServer(holder);
    }
  });

  // No flag was given: the port is the config file's, named there as its other settings are.
  test.each([
    ['port', 'port'],
    ['the control API', 'controlPort'],
  ])(
    'a port in use that the config file asks for (%s) is named in the file, not by a flag',
    async (_, key) => {
      const holder = await listenOn(0);
      const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-in-use-'));
      try {
        const port = portOf(holder);
        writeFileSync(join(dir, 'pop3.json'), JSON.stringify({ [key]: port, users: { alice: 'pw' } }));
        expect(await runMain(['--config', 'pop3.json'], dir)).toEqual({
          code: 3,
          stdout: '',
          stderr: `pop3-mock: port ${port} on 127.0.0.1 is in use (config pop3.json: ${key}): choose another, or 0 for any free port`,
        });
      } finally {
        await closeServer(holder);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('config files: exit code 4 with the file and the problem', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(workDir, 'config-'));
  });

  test.each([
    [{ users: {}, tlsPorts: 1 }, 'unknown key "tlsPorts"; did you mean "tlsPort"?'],
    [
      { users: { alice: { messages: [] } } },
      'users.alice.password: expected a password (a non-empty string), got nothing',
    ],
    [
      { users: { alice: { password: 7 } } },
      'users.alice.password: expected a password (a non-empty string), got a number (not shown)',
    ],
    [
      { users: { alice: { password: 'x', mesages: [] } } },
      'users.alice: unknown key "mesages"; did you mean "messages"?',
    ],
    [{ users: ['alice'] }, 'users: expected an object, got ["alice"]'],
    [{ port: 'x' }, 'port: expected a port: an integer from 0 to 65535, or a string of its digits, got "x"'],
    [{ lock: 'shared' }, 'lock: expected one of "exclusive", "none", got "shared"'],
    [{ capabilities: { stls: 'yes' } }, 'capabilities.stls: expected true or false, got "yes"'],
    [{ capabilities: { starttls: true } }, 'capabilities: unknown key "starttls"'],
    [
      { dialect: 'nope' },
      'dialect: expected one of "rfc", "dovecot", "gmail", "greenmail", "rfc1939-minimal", or a dialect file\'s path (with / or ending in .json), got "nope"',
    ],
    [[], 'expected an object, got []'],
  ])('%j', async (config, message) => {
    const file = join(dir, `${randomBytes(4).toString('hex')}.json`);
    writeFileSync(file, JSON.stringify(config));
    const { code, stdout, stderr } = await runMain(['--config', file]);
    expect({ code, stdout }).toEqual({ code: 4, stdout: '' });
    expect(stderr).toBe(`pop3-mock: config ${file}: ${message}`);
  });

  test('not JSON, missing, or of an unknown kind', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "users": ');
    expect((await runMain(['--config', broken])).stderr).toContain(`config ${broken} is not valid JSON`);
    const missing = join(dir, 'missing.json');
    expect(await runMain(['--config', missing])).toEqual({
      code: 4,
      stdout: '',
      stderr: `pop3-mock: cannot read config ${missing}: not found`,
    });
    const yaml = join(dir, 'config.yaml');
    expect((await runMain(['--config', yaml])).stderr).toContain('use a .json, .js or .cjs file');
  });

  test('a config and a fault rules file written with a UTF-8 byte order mark load; a missing rules file is "not found"', async () => {
    // Some editors write a byte order mark first; JSON.parse refuses it, and the file is JSON all the same.
    const bom = '\uFEFF';
    const config = join(dir, 'bom.json');
    writeFileSync(config, `${bom}${JSON.stringify({ keepSessions: 3 })}`);
    expect(loadConfig(config, root).options.keepSessions).toBe(3);
    const rules = join(dir, 'bom-rules.json');
    writeFileSync(rules, `${bom}${JSON.stringify([on('NOOP').reply('-ERR from the file')])}`);
    const pop3 = await startPop3Mock({ faults: rules, users: { alice: { password: 'pw', messages: [] } } });
    try {
      const client = await RawClient.login(pop3.port, 'alice', 'pw');
      expect(await client.command('NOOP')).toBe('-ERR from the file');
      await client.command('QUIT');
    } finally {
      await pop3.close();
    }
    const missing = join(dir, 'no-rules.json');
    await expect(startPop3Mock({ faults: missing })).rejects.toThrow(
      `cannot read fault rules from ${missing}: not found`,
    );
  });

  test('a key given twice in one object of a config, fault rules or dialect file is refused, naming its path (JSON.parse keeps the last in silence)', async () => {
    const twice = 'given twice in one object (JSON would keep only the last)';
    const config = join(dir, 'twice.json');
    writeFileSync(
      config,
      '{ "users": { "alice": { "password": "a" } }, "keepSessions": 3, "keepSessions": "all" }',
    );
    expect(await runMain(['--config', config])).toEqual({
      code: 4,
      stdout: '',
      stderr: `pop3-mock: config ${config}: keepSessions: key "keepSessions" ${twice}`,
    });
    const rules = join(dir, 'twice-rules.json');
    const noop = on('NOOP').reply('-ERR from the file');
    writeFileSync(
      rules,
      `[${JSON.stringify(noop)}, { "trigger": { "point": "command", "verbs": ["RETR"], "verbs": ["STAT"] }, "action": { "type": "close" } }]`,
    );
    await expect(startPop3Mock({ faults: rules })).rejects.toMatchObject({
      name: 'InputError',
      path: '[1].trigger.verbs',
      message: `fault rules ${rules}: [1].trigger.verbs: key "verbs" ${twice}`,
    });
    const dialect = join(dir, 'twice-dialect.json');
    writeFileSync(dialect, '{ "base": "rfc", "base": "dovecot" }');
    expect(() => loadDialect(dialect)).toThrow(`dialect file ${dialect}: base: key "base" ${twice}`);
  });

  test('keepSessions: 1000 unless the config or the flag says otherwise; the flag wins', () => {
    const keep = (argv: string[], content?: unknown) => {
      const config = content === undefined ? undefined : join(dir, 'keep.json');
      if (config) writeFileSync(config, JSON.stringify(content));
      const args = parseCliArgs(config ? ['--config', config, ...argv] : argv);
      return buildStartPlan(args, config ? loadConfig(config, root) : undefined, root).options.keepSessions;
    };
    expect(keep([])).toBe(1000);
    expect(keep([], { keepSessions: 5 })).toBe(5);
    expect(keep([], { keepSessions: 'all' })).toBe('all');
    expect(keep(['--keep-sessions', 'all'], { keepSessions: 5 })).toBe('all');
    expect(keep(['--keep-sessions', '7'], { keepSessions: 'all' })).toBe(7);
  });

  test('a .cjs config: fixtures relative to its folder, flags override it, --user adds users', async () => {
    const raw = 'Subject: one\r\n\r\nbody\r\n';
    writeFileSync(join(dir, 'mail.eml'), raw);
    const file = join(dir, 'config.cjs');
    const password = secret();
    writeFileSync(
      file,
      `module.exports = { host: '0.0.0.0', port: 1, users: { erin: { password: ${JSON.stringify(password)}, messages: ['mail.eml'] } } };`,
    );
    const args = parseCliArgs(['--config', file, '--host', '127.0.0.1', '--port', '0', '--user', 'fay:pw2']);
    const plan = buildStartPlan(args, loadConfig(file, root), root);
    expect(plan.users).toEqual([
      { name: 'erin', passwordSource: `see ${file}` },
      { name: 'fay', passwordSource: 'the one given with --user' },
    ]);
    const pop3 = await startPop3Mock(plan.options);
    try {
      expect(pop3.host).toBe('127.0.0.1');
      const client = await RawClient.login(pop3.port, 'erin', password);
      expect(await client.command('STAT')).toBe(`+OK 1 ${Buffer.byteLength(raw)}`);
      client.destroy();
      await RawClient.login(pop3.port, 'fay', 'pw2').then((c) => c.destroy());
    } finally {
      await pop3.close();
    }
  });
});
