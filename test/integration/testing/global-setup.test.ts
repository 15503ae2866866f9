import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectPop3Mock, on } from '../../../src';
import { GLOBAL_ENV, globalServer } from '../../../src/testing/global-server';
import jestGlobalSetup from '../../../src/testing/global-setup';
import jestGlobalTeardown from '../../../src/testing/global-teardown';
import { globalSetup, globalTeardown } from '../../../src/testing/jest';
import { closedPort } from '../../helpers/closed-port';
import { RawClient } from '../../helpers/raw-client';
import { ehloLines } from '../../helpers/smtp-ehlo';

// The setup runs in jest's main process in real use; here it runs in a
// worker, which has a process.env of its own to change and restore.

const fixtures = resolve(__dirname, '../../../examples/fixtures');
let dir: string;
let savedEnv: Record<string, string | undefined>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-mock-global-'));
  savedEnv = Object.fromEntries(
    [...GLOBAL_ENV, 'POP3_MOCK_CONFIG'].map((name) => [name, process.env[name]] as const),
  );
  for (const name of Object.keys(savedEnv)) delete process.env[name];
});

afterEach(async () => {
  // Every setup a test left standing (one that should have been refused counts too).
  while (globalServer()) await globalTeardown();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

const writeConfig = (name: string, text: string) => writeFileSync(join(dir, name), text);

test('the default export reads pop3-mock.config.json from rootDir and puts the address in the environment', async () => {
  writeConfig(
    'pop3-mock.config.json',
    JSON.stringify({ users: { alice: { password: 'alice-pw', messages: [join(fixtures, 'alice')] } } }),
  );
  await jestGlobalSetup({ rootDir: '/nowhere' }, { rootDir: dir });
  const pop3 = globalServer()!;
  expect(process.env.POP3_MOCK_HOST).toBe('127.0.0.1');
  expect(process.env.POP3_MOCK_PORT).toBe(String(pop3.port));
  expect(process.env.POP3_MOCK_CONTROL_URL).toBe(pop3.controlUrl);
  expect(process.env.POP3_MOCK_TOKEN).toBe(pop3.controlToken);
  expect(process.env.POP3_MOCK_TLS_PORT).toBeUndefined();
  // STLS is on by default, so the CA a client must trust is in a file.
  expect(readFileSync(process.env.POP3_MOCK_CA_FILE!, 'utf8')).toBe(pop3.tls.ca);

  // What a worker does: connect through the environment, then log in over POP3.
  const remote = await connectPop3Mock();
  expect(remote.port).toBe(pop3.port);
  expect((await remote.mailbox('alice').messages()).length).toBe(pop3.mailbox('alice').messages().length);
  const client = await RawClient.login(Number(process.env.POP3_MOCK_PORT), 'alice', 'alice-pw');
  expect(await client.command('STAT')).toMatch(
    new RegExp(`^\\+OK ${pop3.mailbox('alice').messages().length} `),
  );
  await client.command('QUIT');

  const caFile = process.env.POP3_MOCK_CA_FILE!;
  await jestGlobalTeardown();
  expect(globalServer()).toBeUndefined();
  for (const name of GLOBAL_ENV) expect(process.env[name]).toBeUndefined();
  expect(existsSync(caFile)).toBe(false);
  await expect(RawClient.connect(pop3.port)).rejects.toThrow(/ECONNREFUSED/);
});

test('a jest config that lists no globalTeardown is refused, before a server starts that would hold jest open', async () => {
  // Without one, the run passed and jest never exited ("Jest did not exit one second after ...").
  const hooks = { globalSetup: 'pop3-mock/jest/global-setup', globalTeardown: undefined };
  await expect(jestGlobalSetup({ rootDir: dir, ...hooks }, { rootDir: dir, ...hooks })).rejects.toMatchObject(
    {
      message:
        "pop3-mock jest global setup: the jest config lists no globalTeardown, so the server would outlive the tests and hold jest open after the run: add globalTeardown: 'pop3-mock/jest/global-teardown' next to globalSetup",
    },
  );
  expect(globalServer()).toBeUndefined();
  // Listed (in the project's config, or the run's), it starts.
  await jestGlobalSetup(
    { rootDir: dir, ...hooks },
    { rootDir: dir, ...hooks, globalTeardown: 'pop3-mock/jest/global-teardown' },
  );
  expect(globalServer()).toBeDefined();
});

test('a CA file that cannot be written is named, and the server that started is closed, not left holding the process', async () => {
  // It failed with a bare EISDIR (or ENOENT) of a path, and the server it had started ran on with
  // nobody to close it. A folder where this process's CA file goes makes the write fail.
  const caPath = join(tmpdir(), `pop3-mock-jest-${process.pid}-ca.pem`);
  mkdirSync(caPath);
  const port = await closedPort();
  const failed = await globalSetup({ config: false, port }).catch((error: unknown) => error);
  rmSync(caPath, { recursive: true });
  expect(globalServer()).toBeUndefined();
  await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  expect(failed).toMatchObject({
    message: `pop3-mock jest global setup: cannot write the CA file that TLS clients trust, ${caPath} (in the temp folder, TMPDIR): it is a folder`,
  });
});

test('a CommonJS config file is found (.js before .cjs before .json); fixture paths resolve against its folder', async () => {
  writeConfig('pop3-mock.config.cjs', 'module.exports = { users: { cjs: "pw" } };');
  writeConfig('pop3-mock.config.js', 'module.exports = { users: { js: "pw" }, dialect: "dovecot" };');
  const pop3 = await globalSetup({ rootDir: dir });
  expect(pop3.users()).toEqual(['js']);
  const client = await RawClient.connect(pop3.port);
  expect(client.greeting).toBe('+OK Dovecot ready.');
  await client.command('QUIT');
});

test('POP3_MOCK_CONFIG names the file; options win over it and users are merged', async () => {
  writeConfig('other.json', JSON.stringify({ users: { a: 'pa', b: 'pb' }, dialect: 'dovecot' }));
  process.env.POP3_MOCK_CONFIG = join(dir, 'other.json');
  const pop3 = await globalSetup({ users: { b: 'override', c: 'pc' }, dialect: 'gmail', tls: false });
  expect(pop3.users()).toEqual(['a', 'b', 'c']);
  const client = await RawClient.connect(pop3.port);
  expect(client.greeting).toMatch(/^\+OK Gpop ready/);
  await client.command('USER b');
  expect(await client.command('PASS override')).toMatch(/^\+OK/);
  await client.command('QUIT');
  // No TLS: no CA file to hand on.
  expect(process.env.POP3_MOCK_CA_FILE).toBeUndefined();
});

test('a POP3_MOCK_CONFIG that cannot be read is named as that variable, with the path it led to', async () => {
  // The message said only "cannot read config missing.json: not found": not where the name came
  // from, nor what it was relative to (rootDir, not the shell's folder).
  process.env.POP3_MOCK_CONFIG = 'missing.json';
  await expect(jestGlobalSetup({ rootDir: dir }, { rootDir: dir })).rejects.toMatchObject({
    message: `pop3-mock jest global setup: POP3_MOCK_CONFIG (${join(dir, 'missing.json')}): cannot read config missing.json: not found`,
  });
  process.env.POP3_MOCK_CONFIG = 'pop3-mock.config.yaml';
  await expect(globalSetup({ rootDir: dir })).rejects.toMatchObject({
    message: `pop3-mock jest global setup: POP3_MOCK_CONFIG (${join(dir, 'pop3-mock.config.yaml')}): config pop3-mock.config.yaml: use a .json, .js or .cjs file`,
  });
  // A config the setup's options name is theirs, not the variable's.
  await expect(globalSetup({ rootDir: dir, config: 'gone.json' })).rejects.toMatchObject({
    message: 'pop3-mock jest global setup: cannot read config gone.json: not found',
  });
  expect(globalServer()).toBeUndefined();
});

describe("a run of several jest projects: jest runs the global setup once, with one project's rootDir", () => {
  const project = (name: string, config?: object) => {
    mkdirSync(join(dir, name));
    if (config) writeFileSync(join(dir, name, 'pop3-mock.config.json'), JSON.stringify(config));
    return join(dir, name);
  };

  test('two config files among the projects are refused, naming both, where one was read and the other never', async () => {
    const a = project('a', { users: { alice: 'pa' } });
    const b = project('b', { users: { bob: 'pb' }, dialect: 'gmail' });
    // As jest passes them: its projects as listed (folders here), and the first test's project.
    await expect(jestGlobalSetup({ rootDir: dir, projects: [a, b] }, { rootDir: a })).rejects.toMatchObject({
      message: `pop3-mock jest global setup: the run's projects hold 2 config files (${join('a', 'pop3-mock.config.json')}, ${join('b', 'pop3-mock.config.json')}), and one server, started once, serves the whole run (jest runs the global setup once, for one project): keep one config file (in ${dir}), or name one with POP3_MOCK_CONFIG`,
    });
    expect(globalServer()).toBeUndefined();
    // POP3_MOCK_CONFIG names the one: no refusal.
    process.env.POP3_MOCK_CONFIG = join(b, 'pop3-mock.config.json');
    await jestGlobalSetup({ rootDir: dir, projects: [a, b] }, { rootDir: a });
    expect(globalServer()?.users()).toEqual(['bob']);
  });

  test("the one config file serves whichever project jest passes: another project's, or the run's folder's", async () => {
    const a = project('a', { users: { alice: 'pa' } });
    const b = project('b');
    // Inline project configs, a config file path and <rootDir>, as jest.config.js may list them.
    await jestGlobalSetup(
      { rootDir: dir, projects: [{ rootDir: '<rootDir>/a' }, join(b, 'jest.config.js')] },
      { rootDir: b },
    );
    expect(globalServer()?.users()).toEqual(['alice']);
    await globalTeardown();
    rmSync(join(a, 'pop3-mock.config.json'));
    writeConfig('pop3-mock.config.json', JSON.stringify({ users: { root: 'pr' } }));
    await jestGlobalSetup({ rootDir: dir, projects: [a, b] }, { rootDir: b });
    expect(globalServer()?.users()).toEqual(['root']);
    await globalTeardown();
    // One project listed: the run's folder is looked in too.
    await jestGlobalSetup({ rootDir: dir, projects: [b] }, { rootDir: b });
    expect(globalServer()?.users()).toEqual(['root']);
  });
});

test('a tlsPort from the config file is handed on as POP3_MOCK_TLS_PORT', async () => {
  writeConfig('pop3-mock.config.json', JSON.stringify({ tlsPort: 0, users: { a: 'pa' } }));
  const pop3 = await globalSetup({ rootDir: dir });
  expect(pop3.tlsPort).toBeGreaterThan(0);
  expect(process.env.POP3_MOCK_TLS_PORT).toBe(String(pop3.tlsPort));
});

test("the config file's smtp* keys start the intake; its ports are handed on as POP3_MOCK_SMTP_PORT and POP3_MOCK_SMTP_TLS_PORT", async () => {
  writeConfig(
    'pop3-mock.config.json',
    JSON.stringify({ smtpTlsPort: 0, smtpAuth: 'required', smtpMaxSize: 5000, users: { a: 'pa' } }),
  );
  const pop3 = await globalSetup({ rootDir: dir });
  expect(pop3.smtpPort).toBeGreaterThan(0);
  expect(pop3.smtpTlsPort).toBeGreaterThan(0);
  expect(process.env.POP3_MOCK_SMTP_PORT).toBe(String(pop3.smtpPort));
  expect(process.env.POP3_MOCK_SMTP_TLS_PORT).toBe(String(pop3.smtpTlsPort));
  // auth required and the size limit came through: AUTH offered, SIZE announced, MAIL FROM refused.
  expect(await ehloLines(pop3.smtpPort!)).toContainEqual(expect.stringMatching(/^250[- ]SIZE 5000$/));
  const client = await RawClient.connect(pop3.smtpPort!);
  await client.command('EHLO t');
  while (/^\d{3}-/.test(await client.readLine()));
  expect(await client.command('MAIL FROM:<s@example.com>')).toMatch(/^530 /);
  await client.command('QUIT');
});

test('POP3_MOCK_TOKEN chosen by the parent process becomes the control token', async () => {
  process.env.POP3_MOCK_TOKEN = 'chosen-token-123';
  const pop3 = await globalSetup({ config: false });
  expect(pop3.controlToken).toBe('chosen-token-123');
  const remote = await connectPop3Mock();
  expect(remote.port).toBe(pop3.port);
});

test('a bad POP3_MOCK_TOKEN is refused, named as that variable (not control.token), its value not shown', async () => {
  process.env.POP3_MOCK_TOKEN = 'short';
  await expect(globalSetup({ config: false })).rejects.toThrow(
    new Error(
      'environment: POP3_MOCK_TOKEN: expected a token of 8 to 512 printable characters, got a string (not shown)',
    ),
  );
  expect(globalServer()).toBeUndefined();
});

test('a second setup in the same run (another jest project) shares the server until the last teardown', async () => {
  const first = await globalSetup({ config: false, users: { a: 'pa' } });
  const second = await globalSetup({ config: false, users: { a: 'pa' } });
  expect(second).toBe(first);
  await globalTeardown();
  expect(globalServer()).toBe(first);
  expect(process.env.POP3_MOCK_PORT).toBe(String(first.port));
  await globalTeardown();
  expect(globalServer()).toBeUndefined();
  expect(process.env.POP3_MOCK_PORT).toBeUndefined();
});

test('a second setup with other options or another config file is refused: the shared server would not serve them', async () => {
  // It shared the server and dropped its options without a word: user "other" was never served.
  const first = await globalSetup({
    config: false,
    users: { a: 'pa' },
    faults: [on('RETR').once().reply('-ERR x')],
  });
  const refusal =
    "pop3-mock: globalSetup(): a server an earlier setup of this run started (another jest project's) serves the whole run, with that setup's options and config file, and this setup gives others, which it would not serve: give every setup of the run the same options and config, or list one setup for the run";
  await expect(globalSetup({ config: false, users: { other: 'po' } })).rejects.toThrow(refusal);
  writeConfig('pop3-mock.config.json', JSON.stringify({ users: { b: 'pb' } }));
  await expect(
    globalSetup({ rootDir: dir, users: { a: 'pa' }, faults: [on('RETR').once().reply('-ERR x')] }),
  ).rejects.toThrow(refusal);
  // The same options, its rules built again alike: the server is shared.
  expect(
    await globalSetup({ config: false, users: { a: 'pa' }, faults: [on('RETR').once().reply('-ERR x')] }),
  ).toBe(first);
  await globalTeardown();
  expect(globalServer()).toBe(first);
});

test('control: false is refused; a broken config file names itself', async () => {
  await expect(globalSetup({ config: false, control: false })).rejects.toThrow(/needs the control channel/);
  writeConfig('pop3-mock.config.json', '{ "users": { "a": { "password": 7 } } }');
  await expect(globalSetup({ rootDir: dir })).rejects.toThrow(
    /global setup: config pop3-mock\.config\.json: users\.a\.password: expected a password \(a non-empty string\), got a number \(not shown\)/,
  );
  expect(globalServer()).toBeUndefined();
  expect(process.env.POP3_MOCK_PORT).toBeUndefined();
});

test('a fixture the config file names that cannot be read is placed in the file, as the CLI places it; one the options give is not', async () => {
  writeConfig(
    'pop3-mock.config.json',
    JSON.stringify({ users: { a: { password: 'p', messages: ['nope.eml'] } } }),
  );
  const failed = (await globalSetup({ rootDir: dir }).catch((e: unknown) => e)) as Error & { path: string };
  expect(failed.name).toBe('FixtureError');
  expect(failed.path).toBe('config pop3-mock.config.json: users.a.messages[0]');
  expect(failed.message).toMatch(/config pop3-mock\.config\.json: users\.a\.messages\[0\].*not found/);
  const fromOptions = (await globalSetup({
    rootDir: dir,
    users: { a: { password: 'p', messages: ['gone.eml'] } },
  }).catch((e: unknown) => e)) as Error & { path: string };
  expect(fromOptions.path).toBe('users.a.messages[0]');
  expect(globalServer()).toBeUndefined();
});

test('a config file fixture of a user whose name the path brackets (users["bob@example.com"]) is placed in the file; a user of the options whose name merely starts with a file user\'s is not', async () => {
  const good = join(fixtures, 'alice');
  writeConfig(
    'pop3-mock.config.json',
    JSON.stringify({
      users: {
        'bob@example.com': { password: 'p', messages: ['nope.eml'] },
        a: { password: 'p', messages: [good] },
      },
    }),
  );
  const bracketed = (await globalSetup({ rootDir: dir }).catch((e: unknown) => e)) as Error & {
    path: string;
  };
  expect(bracketed.name).toBe('FixtureError');
  expect(bracketed.path).toBe('config pop3-mock.config.json: users["bob@example.com"].messages[0]');
  writeConfig('pop3-mock.config.json', JSON.stringify({ users: { a: { password: 'p', messages: [good] } } }));
  const prefixed = (await globalSetup({
    rootDir: dir,
    users: { ab: { password: 'p', messages: ['gone.eml'] } },
  }).catch((e: unknown) => e)) as Error & { path: string };
  expect(prefixed.name).toBe('FixtureError');
  expect(prefixed.path).toBe('users.ab.messages[0]');
  expect(globalServer()).toBeUndefined();
});

// The server's own refusals of what the file gave (a rule that could never fire, TLS settings nothing
// serves) named "pop3-mock options: faults[0]...", where the CLI names the file.
test('options of the config file the server refuses are named in the file, as the CLI names them; those of the setup are not', async () => {
  const stlsRule = {
    trigger: { point: 'command', verbs: ['STLS'] },
    action: { type: 'stls-handshake-failure' },
  };
  writeConfig(
    'pop3-mock.config.json',
    JSON.stringify({ users: { a: 'p' }, capabilities: { stls: false }, faults: [stlsRule] }),
  );
  const why =
    'faults[0].action.type: expected a server whose STLS starts TLS: STLS is off here (capabilities.stls: false), so a failed handshake could never happen';
  const inFile = (await globalSetup({ rootDir: dir }).catch((e: unknown) => e)) as Error;
  expect(inFile.name).toBe('InputError');
  expect(inFile.message).toBe(`config pop3-mock.config.json: ${why}`);
  // The same rule given by the setup's options, over the file's faults: the options' own.
  const given = (await globalSetup({ rootDir: dir, faults: [stlsRule] as never }).catch(
    (e: unknown) => e,
  )) as Error;
  expect(given.message).toBe(`pop3-mock options: ${why}`);
  expect(globalServer()).toBeUndefined();
});

// Bug in src/control/remote-client.ts: refresh() copies GET /api/status into
// the object with Object.assign, and the status's `users` array hides the
// users() method.
test('connectPop3Mock(): remote.users() still lists the users after connecting', async () => {
  await globalSetup({ config: false, users: { alice: 'pw', bob: 'pw' } });
  const remote = await connectPop3Mock();
  expect(await remote.users()).toEqual(['alice', 'bob']);
});
