import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPop3Mock } from '../../src';
import { buildStartPlan } from '../../src/cli/build-options';
import { isSwitch } from '../../src/cli/flag-values';
import { CONFIG_ONLY, OPTION_FLAGS } from '../../src/cli/option-flags';
import { parseCliArgs } from '../../src/cli/parse-args';
import { USAGE } from '../../src/cli/usage';
import { loadConfig } from '../../src/config/load-config';
import { DIALECT_NAMES } from '../../src/schema/dialect-names';
import { configFile, pop3MockOptions } from '../../src/schema/options';
import { RawClient } from '../helpers/raw-client';

// The flags, the config keys and the options schema name the same things:
// one table (src/cli/option-flags.ts) maps each flag to a config key, whose
// schema checks the flag's value; these tests keep the three in step.

const configKeys = Object.keys(configFile.unwrap().shape);
const optionKeys = Object.keys(pop3MockOptions.shape);

/** Options of startPop3Mock() a config file cannot hold, and why. */
const CODE_ONLY: Record<string, string> = {
  baseDir: "a config file's relative paths resolve against its own folder",
  clock: 'an object with functions',
  logger: 'a function',
  tls: 'key and certificate material (the certificate mode has a flag: --tls-certificate)',
};
/** Config keys that land under another option name. */
const CONFIG_TO_OPTION: Record<string, string> = {
  controlPort: 'control',
  smtpPort: 'smtp',
  smtpTlsPort: 'smtp',
  smtpAuth: 'smtp',
  smtpTraceHeaders: 'smtp',
  smtpCreateUsers: 'smtp',
  smtpMaxSize: 'smtp',
};

describe('one table for flags, config keys and options', () => {
  test('every flag sets a config key that is an option; names and short letters are unique', () => {
    for (const { flag, key, optionPath, within } of OPTION_FLAGS) {
      expect({ flag, configKey: configKeys.includes(key) }).toEqual({ flag, configKey: true });
      const option = (optionPath ?? key).split('.')[0]!;
      expect({ flag, option: optionKeys.includes(option) }).toEqual({ flag, option: true });
      // The flag's name is its key in kebab case (and the field it sets, for one field of an object).
      const named = within === undefined ? key : `${key}${within[0]!.toUpperCase()}${within.slice(1)}`;
      expect(flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())).toBe(named);
    }
    const names = OPTION_FLAGS.map((f) => f.flag);
    expect(new Set(names).size).toBe(names.length);
    const shorts = OPTION_FLAGS.flatMap((f) => (f.short === undefined ? [] : [f.short]));
    expect(new Set([...shorts, 'h', 'c', 'u']).size).toBe(shorts.length + 3);
  });

  test('a flag is a switch exactly when its key takes only true/false, and then --help shows no value', () => {
    for (const { flag, key, value } of OPTION_FLAGS) {
      expect({ flag, switch: isSwitch(key) }).toEqual({ flag, switch: value === undefined });
    }
  });

  test('every config key is a flag or config-only with a reason, never both', () => {
    const flagged = new Set(OPTION_FLAGS.map((f) => f.key as string));
    for (const key of configKeys) {
      const reason = CONFIG_ONLY[key as keyof typeof CONFIG_ONLY];
      expect({ key, flag: flagged.has(key), configOnly: reason !== undefined }).toEqual({
        key,
        flag: reason === undefined,
        configOnly: !flagged.has(key),
      });
      if (reason !== undefined) expect(reason.length).toBeGreaterThan(10);
    }
    for (const key of Object.keys(CONFIG_ONLY)) expect(configKeys).toContain(key);
  });

  test('every option of startPop3Mock() that text can express is a config key', () => {
    const reachable = new Set(configKeys.map((key) => CONFIG_TO_OPTION[key] ?? key));
    for (const option of optionKeys) {
      expect({ option, reachable: reachable.has(option) || option in CODE_ONLY }).toEqual({
        option,
        reachable: true,
      });
    }
  });

  test('--help lists every flag and, under --config, every config key', () => {
    for (const { flag, short, value } of OPTION_FLAGS) {
      const shown = `${short === undefined ? '    ' : `-${short}, `}--${flag}${value === undefined ? '' : ` ${value}`}`;
      expect(USAGE).toMatch(new RegExp(`^  ${shown.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(  |\\n)`, 'm'));
    }
    const configHelp = USAGE.slice(USAGE.indexOf('--config FILE'), USAGE.indexOf('--user NAME'));
    for (const key of configKeys)
      expect({ key, listed: new RegExp(`\\b${key}\\b`).test(configHelp) }).toEqual({ key, listed: true });
  });
});

describe('flag values', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pop3-mock-flags-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every option flag reaches the options, over the config file; --faults resolves against the working folder', () => {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ lock: 'exclusive', seed: 1, apop: false, faults: 'in-config-folder.json' }),
    );
    const args = parseCliArgs([
      '--config',
      config,
      '--apop',
      '--require-tls',
      '--lock',
      'none',
      '--seed',
      '7',
      '--faults',
      'rules.json',
      '--max-sessions',
      '3',
      '--autologout-ms',
      '5000',
      '--hostname',
      'mock.test',
      '--tls-port',
      '0',
      '--control-port',
      '0',
      '--dialect',
      'dovecot',
    ]);
    const { options } = buildStartPlan(args, loadConfig(config, dir), '/work/here', {});
    expect(options).toMatchObject({
      apop: true,
      requireTls: true,
      lock: 'none',
      seed: 7,
      faults: resolve('/work/here', 'rules.json'),
      maxSessions: 3,
      autologoutMs: 5000,
      hostname: 'mock.test',
      tlsPort: 0,
      control: { port: 0 },
      dialect: 'dovecot',
      baseDir: dir,
    });
  });

  test('a faults file given with --faults is loaded, and the flags shape a real server', async () => {
    writeFileSync(
      join(dir, 'rules.json'),
      JSON.stringify([
        {
          trigger: { point: 'command', verbs: ['NOOP'] },
          action: { type: 'reply', lines: ['-ERR from the file'] },
        },
      ]),
    );
    const args = parseCliArgs([
      '--faults',
      'rules.json',
      '--apop',
      '--max-sessions',
      '1',
      '--user',
      'alice:pw',
    ]);
    const pop3 = await startPop3Mock(buildStartPlan(args, undefined, dir, {}).options);
    try {
      const client = await RawClient.login(pop3.port, 'alice', 'pw');
      // APOP: the greeting carries a timestamp.
      expect(client.greeting).toMatch(/<[^>]+@[^>]+>/);
      expect(await client.command('NOOP')).toBe('-ERR from the file');
      // max-sessions 1: a second connection is refused.
      const second = await RawClient.connect(pop3.port);
      expect(second.greeting).toMatch(/^-ERR \[SYS\/TEMP\]/);
      second.destroy();
      client.destroy();
    } finally {
      await pop3.close();
    }
  });
});

test("--help's --lock default is each dialect's: a second login of one user, as each --dialect answers it", async () => {
  // The help said "exclusive (default ...)" whatever the dialect, while --dialect dovecot let the second login in.
  const lockEntry = USAGE.slice(USAGE.indexOf('--lock MODE'), USAGE.indexOf('--seed N'));
  const unlocked = lockEntry.slice(lockEntry.indexOf('Default:'));
  for (const dialect of DIALECT_NAMES) {
    const args = parseCliArgs(['--dialect', dialect, '--user', 'alice:pw']);
    const pop3 = await startPop3Mock(buildStartPlan(args, undefined, process.cwd(), {}).options);
    try {
      const first = await RawClient.login(pop3.port, 'alice', 'pw');
      const second = await RawClient.connect(pop3.port);
      await second.command('USER alice');
      const concurrent = (await second.command('PASS pw')).startsWith('+OK');
      first.destroy();
      second.destroy();
      // The help names a dialect as lock-free exactly when its second login gets in.
      expect({ dialect, concurrent }).toEqual({
        dialect,
        concurrent: new RegExp(`\\b${dialect}\\b`).test(unlocked),
      });
    } finally {
      await pop3.close();
    }
  }
});

test("--help says what each path is relative to; --dialect FILE: the working folder, not the config's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-relative-'));
  try {
    const configDir = join(dir, 'config');
    mkdirSync(configDir);
    const dialect = (name: string) => ({ format: 'pop3-mock-dialect/1', name, extends: 'rfc' });
    writeFileSync(join(dir, 'mine.json'), JSON.stringify(dialect('working-folder')));
    writeFileSync(join(configDir, 'mine.json'), JSON.stringify(dialect('config-folder')));
    writeFileSync(join(configDir, 'pop3.json'), JSON.stringify({ users: { alice: 'pw' } }));
    const args = parseCliArgs(['--config', 'config/pop3.json', '--dialect', 'mine.json']);
    const plan = buildStartPlan(args, loadConfig('config/pop3.json', dir), dir, {});
    expect(plan.dialectName).toBe('working-folder (mine.json)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Each entry that takes a path names its base (the --dialect entry named none).
  const entry = (from: string, to: string) => USAGE.slice(USAGE.indexOf(from), USAGE.indexOf(to));
  expect(entry('--config FILE', '--user NAME')).toMatch(/against\s+the\s+file's\s+folder/);
  expect(entry('--user NAME', '--host HOST')).toMatch(/relative to the working\s+folder/);
  expect(entry('--faults FILE', '--max-sessions N')).toMatch(/relative to\s+the working folder/);
  expect(entry('--dialect NAME|FILE', '--apop')).toMatch(/relative to the working\s+folder/);
});

describe('what a command line loads', () => {
  /**
   * Runs main() in a module registry of its own, recording which of the schemas
   * (`schema/options`, with zod) and the server (`assembly/start-pop3-mock`) it loaded.
   */
  async function loadedBy(argv: string[]): Promise<{ code: number; out: string[]; loaded: string[] }> {
    const loaded: string[] = [];
    const out: string[] = [];
    let code = -1;
    const watched = ['../../src/schema/options', '../../src/assembly/start-pop3-mock'];
    try {
      await jest.isolateModulesAsync(async () => {
        for (const path of watched) {
          jest.doMock(path, () => {
            loaded.push(path.split('/src/')[1]!);
            return jest.requireActual(path);
          });
        }
        const { main } = require('../../src/cli/main') as typeof import('../../src/cli/main');
        code = await main(argv, { out: (line) => out.push(line), err: (line) => out.push(line) });
      });
    } finally {
      for (const path of watched) jest.dontMock(path);
    }
    return { code, out, loaded };
  }

  test('--version, and a malformed command line, answer without the schemas or the server', async () => {
    const { version } = require('../../package.json') as { version: string };
    expect(await loadedBy(['--version'])).toEqual({ code: 0, out: [version], loaded: [] });
    expect(await loadedBy(['--user', 'alice:pw', '--bogus'])).toEqual({
      code: 2,
      out: ['pop3-mock: unknown option --bogus', 'Run pop3-mock --help for usage.'],
      loaded: [],
    });
  });
});
