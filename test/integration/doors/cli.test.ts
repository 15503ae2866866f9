// The CLI doors: flags (exit 2, one line and the --help hint) and a config
// file (exit 4, `pop3-mock: config FILE: path: ...`), run through main() in
// this process. The fault rules the issue reported are refused in a config
// file too; a lower-case verb there is accepted and fires.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPop3Mock } from '../../../src';
import { buildStartPlan } from '../../../src/cli/build-options';
import { parseCliArgs } from '../../../src/cli/parse-args';
import { loadConfig } from '../../../src/config/load-config';
import { closedPort } from '../../helpers/closed-port';
import { watchHost } from '../../helpers/host-errors';
import { RawClient } from '../../helpers/raw-client';
import {
  BAD_RULES,
  expectLowerCaseRuleFires,
  GOOD_RULE,
  issuesAt,
  LOWER_CASE_RULE,
  MESSAGE,
  messageOf,
  PASSWORD,
  runMain,
  USER,
} from './support';

const KEEP_SESSIONS = 'expected a number of ended sessions to keep (an integer >= 1) or "all"';
const host = watchHost();
let dir: string;
let count = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-doors-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  host.stop();
});
afterEach(() => host.assertClean());

function configFile(content: unknown): string {
  const name = `config-${++count}.json`;
  writeFileSync(join(dir, name), JSON.stringify(content));
  return name;
}

test.each<[string[], string]>([
  // Flag values go through the config file's schema: the same words as a config file.
  [
    ['--port', '21a'],
    '--port: expected a port: an integer from 0 to 65535, or a string of its digits, got "21a"',
  ],
  [['--port='], '--port: expected a port: an integer from 0 to 65535, or a string of its digits, got ""'],
  [
    ['--tls-port=-1'],
    '--tls-port: expected a port: an integer from 0 to 65535, or a string of its digits, got "-1"',
  ],
  [['--control-port', '99999'], '--control-port: expected an integer from 0 to 65535, got 99999'],
  // A ">" ended the APOP timestamp early: strict clients failed to log in.
  [['--hostname', 'a>b<c'], '--hostname: expected a host name: no spaces, "<" or ">", got "a>b<c"'],
  // One port for two listeners was "port 4110 on 127.0.0.1 is in use", exit 3.
  [
    ['--port', '4110', '--tls-port', '4110'],
    '--tls-port: expected a port no other listener asks for: --port asks for 4110 too',
  ],
  // Node's message is three lines; the CLI keeps one line, its first sentence.
  [['--port', '-1'], '--port needs a value; for one starting with "-" write --port=VALUE'],
  [['--port'], "Option '-p, --port <value>' argument missing"],
  [['--help=yes'], "Option '-h, --help' does not take an argument"],
  [['--tlsport', '995'], 'unknown option --tlsport'],
  [['--host='], '--host: expected a non-empty string, got ""'],
  [['--config='], '--config needs a value'],
  [['--user', 'a b:pw'], '--user "a b": expected a user name: not empty, no spaces'],
  [
    ['--user', '..:pw'],
    '--user "..": expected a user name other than "." or ".." (a URL of the control API resolves them away)',
  ],
  [['--port', '2110', 'extra'], 'unexpected argument "extra"'],
  [['--keep-sessions', '0'], `--keep-sessions: ${KEEP_SESSIONS}, got "0"`],
  [['--keep-sessions=lots'], `--keep-sessions: ${KEEP_SESSIONS}, got "lots"`],
  [['--keep-sessions', 'ALL'], `--keep-sessions: ${KEEP_SESSIONS}, got "ALL"`],
])('%j: exit 2 with one line and the --help hint', async (args, message) => {
  expect(await runMain(args, dir)).toEqual({
    code: 2,
    stdout: '',
    stderr: `pop3-mock: ${message}\nRun pop3-mock --help for usage.`,
  });
});

test.each<[string, unknown, string]>([
  ['tlsport', { tlsport: 995 }, 'unknown key "tlsport"; did you mean "tlsPort"?'],
  [
    'a user with pasword',
    { users: { bob: { pasword: 'x' } } },
    'users.bob.password: expected a password (a non-empty string), got nothing; users.bob: unknown key "pasword"; did you mean "password"?',
  ],
  [
    'faults not a list',
    { faults: { rules: [] } },
    'faults: expected a list of fault rules, or the path of a JSON file of them, got {"rules":[]}',
  ],
  ['keepSessions 0', { keepSessions: 0 }, `keepSessions: ${KEEP_SESSIONS}, got 0`],
  ['keepSessions as text', { keepSessions: '1000' }, `keepSessions: ${KEEP_SESSIONS}, got "1000"`],
])('a config with %s: exit 4 with the file and the path', async (_, content, message) => {
  const name = configFile(content);
  expect(await runMain(['--config', name], dir)).toEqual({
    code: 4,
    stdout: '',
    stderr: `pop3-mock: config ${name}: ${message}`,
  });
});

// Each listener named where it was written, not by its option path (`control.port asks for ...`);
// a config's setting on either side is a bad file (4), whichever listener comes first.
test.each<[string, object, string[], string]>([
  [
    'the config second',
    { controlPort: 4110 },
    ['--port', '4110'],
    'controlPort: expected a port no other listener asks for: --port asks for 4110 too',
  ],
  [
    'the config first',
    { port: 4110 },
    ['--control-port', '4110'],
    'expected a port no other listener asks for: port of config NAME asks for 4110 too',
  ],
])(
  'one port for a config key and a flag, %s: exit 4, both named as written',
  async (_, content, flags, message) => {
    const name = configFile(content);
    const { code, stderr } = await runMain(['--config', name, ...flags], dir);
    expect(code).toBe(4);
    expect(stderr).toContain(message.replace('NAME', name));
  },
);

test.each(BAD_RULES)('a config whose faults hold %s: exit 4 with faults[1]', async (_, rule, relative) => {
  const name = configFile({ faults: [GOOD_RULE, rule] });
  expect(await runMain(['--config', name], dir)).toEqual({
    code: 4,
    stdout: '',
    stderr: `pop3-mock: ${messageOf(`config ${name}`, issuesAt('faults', 1, relative))}`,
  });
});

test('a config whose faults hold a lower-case verb: accepted, and the rule fires', async () => {
  const name = configFile({
    users: { [USER]: { password: PASSWORD, messages: [MESSAGE] } },
    faults: [LOWER_CASE_RULE],
  });
  const plan = buildStartPlan(parseCliArgs(['--config', name]), loadConfig(name, dir), dir);
  const pop3 = await startPop3Mock(plan.options);
  try {
    expect(pop3.rules().map((s) => s.rule.trigger)).toEqual([{ point: 'command', verbs: ['RETR'] }]);
    await expectLowerCaseRuleFires(pop3.port);
  } finally {
    await pop3.close();
  }
});

// A failed STLS handshake on a server whose STLS starts no TLS could never fire: refused where it was written.
describe('a failHandshake rule on a server without STLS: exit 4, named in its file', () => {
  const STLS_RULE = {
    trigger: { point: 'command', verbs: ['STLS'] },
    action: { type: 'stls-handshake-failure' },
  };
  const why =
    'expected a server whose STLS starts TLS: STLS is off here (capabilities.stls: false), so a failed handshake could never happen';
  const users = { [USER]: { password: PASSWORD, messages: [MESSAGE] } };
  const noStls = () => configFile({ users, capabilities: { stls: false } });

  test('in the config file', async () => {
    const name = configFile({ users, capabilities: { stls: false }, faults: [GOOD_RULE, STLS_RULE] });
    expect(await runMain(['--config', name], dir)).toEqual({
      code: 4,
      stdout: '',
      stderr: `pop3-mock: config ${name}: faults[1].action.type: ${why}`,
    });
  });

  test('in a --faults file', async () => {
    const rules = configFile([GOOD_RULE, STLS_RULE]);
    expect(await runMain(['--config', noStls(), '--faults', rules], dir)).toEqual({
      code: 4,
      stdout: '',
      stderr: `pop3-mock: fault rules ${join(dir, rules)}: [1].action.type: ${why}`,
    });
  });

  test('in the second of two --faults files, and a file given twice', async () => {
    const good = configFile([GOOD_RULE]);
    const bad = configFile([GOOD_RULE, STLS_RULE]);
    for (const files of [
      [good, bad],
      [bad, good, bad],
    ]) {
      const flags = files.flatMap((file) => ['--faults', file]);
      expect(await runMain(['--config', noStls(), ...flags], dir)).toEqual({
        code: 4,
        stdout: '',
        stderr: `pop3-mock: fault rules ${join(dir, bad)}: [1].action.type: ${why}`,
      });
    }
  });
});

// A .cjs config is code: a Map there fitted nodemailer fields and became an empty message.
test('a .cjs config with a Map as a message: refused with the file and the path', () => {
  const name = `config-${++count}.cjs`;
  writeFileSync(
    join(dir, name),
    "module.exports = { users: { a: { password: 'x', messages: [new Map([['subject', 'hi']])] } } };\n",
  );
  expect(() => loadConfig(name, dir)).toThrow(
    `config ${name}: users.a.messages[0]: expected a message: a path, raw text, { raw, uid }, { path } or nodemailer fields, got a Map`,
  );
});

test('a CA file that cannot be written: exit 1 naming it, the server closed, no ready line', async () => {
  // It came out as "unexpected error: Error: ENOENT ..." with a stack, as if the mock had a bug.
  // A folder where this process's CA file goes makes the write fail.
  const caPath = join(tmpdir(), `pop3-mock-cli-${process.pid}-ca.pem`);
  mkdirSync(caPath);
  const port = await closedPort();
  let result: Awaited<ReturnType<typeof runMain>>;
  try {
    result = await runMain(['--user', `${USER}:${PASSWORD}`, '--port', String(port)], dir);
  } finally {
    rmSync(caPath, { recursive: true });
  }
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: `pop3-mock: cannot write the CA file that TLS clients trust, ${caPath} (in the temp folder, TMPDIR): it is a folder`,
  });
  await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
});
