import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { startPop3Mock } from '../assembly/start-pop3-mock';
import { CaFileError, removeCaFile, writeCaFile } from '../config/ca-file';
import { optionsFromConfig } from '../config/config-options';
import { tokenFromEnv } from '../config/env-token';
import { loadConfig } from '../config/load-config';
import { FixtureError } from '../fixtures/types';
import type { Pop3MockOptions } from '../options';
import { MADE_ID } from '../rule-id';
import { pathText, valueAtPath } from '../schema/check';
import { InputError, OPTIONS_SOURCE } from '../schema/input-error';
import type { Pop3Mock } from '../server/pop3-mock';

/** Options of {@link globalSetup}: server options, plus where the config file is. */
export interface GlobalSetupOptions extends Pop3MockOptions {
  /**
   * A config file (`.json`, `.js`, `.cjs`; the CLI's format), relative to
   * `rootDir`. Default: `POP3_MOCK_CONFIG`, else the first of
   * `pop3-mock.config.js`, `.cjs`, `.json` found in `rootDir`. `false`: none.
   * Options given here win over the file; users are merged.
   */
  config?: string | false;
  /** Where the config file is looked for. Default `process.cwd()` (jest's `rootDir` for the default export). */
  rootDir?: string;
}

/** The environment variables the global setup sets for the test workers. */
export const GLOBAL_ENV = [
  'POP3_MOCK_HOST',
  'POP3_MOCK_PORT',
  'POP3_MOCK_TLS_PORT',
  'POP3_MOCK_SMTP_PORT',
  'POP3_MOCK_SMTP_TLS_PORT',
  'POP3_MOCK_CONTROL_URL',
  'POP3_MOCK_TOKEN',
  'POP3_MOCK_CA_FILE',
] as const;

export const CONFIG_FILES = ['pop3-mock.config.js', 'pop3-mock.config.cjs', 'pop3-mock.config.json'];

interface GlobalState {
  pop3: Pop3Mock;
  /** How many setups share the server (one per jest project that lists it). */
  users: number;
  caFile: string | undefined;
  /** The variables as they were before the setup, restored by the teardown. */
  saved: Record<string, string | undefined>;
  /** What the first setup was given (see {@link setupSignature}); a later one must give the same. */
  signature?: string | undefined;
}

// Jest runs globalSetup and globalTeardown in its main process, but each from
// its own module registry: the server is kept on globalThis, under a key no
// other code uses.
const KEY = Symbol.for('pop3-mock.jest-global-server');
type Holder = { [KEY]?: GlobalState };
const holder = globalThis as Holder;

/**
 * Starts one pop3-mock for the whole jest run, with its control channel on,
 * and hands its address to the workers in the environment:
 * `POP3_MOCK_HOST`, `POP3_MOCK_PORT`, `POP3_MOCK_CONTROL_URL`,
 * `POP3_MOCK_TOKEN`, and when in use `POP3_MOCK_TLS_PORT`,
 * `POP3_MOCK_SMTP_PORT`, `POP3_MOCK_SMTP_TLS_PORT`, `POP3_MOCK_CA_FILE` (the CA
 * to trust for STLS, POP3S, STARTTLS and SMTPS, a PEM file). In a worker, `connectPop3Mock()` reads them.
 *
 * For a setup file of your own; jest's `globalSetup: 'pop3-mock/jest/global-setup'`
 * calls it with no options. Stop the server with {@link globalTeardown}. A
 * second call before that (another jest project's setup) shares the server
 * when it gives the same options and config file, and is refused otherwise:
 * the server would not serve them.
 *
 * @example
 * // jest.global-setup.js
 * const { globalSetup } = require('pop3-mock/jest');
 * module.exports = () => globalSetup({ users: { alice: 'secret' } });
 */
export async function globalSetup(options: GlobalSetupOptions = {}): Promise<Pop3Mock> {
  const running = holder[KEY];
  if (running) {
    // A second project of the same run: share the server, which keeps the first setup's
    // options; other ones would not be served (their users, dialect, faults), so they are refused.
    const signature = setupSignature(options);
    if (signature !== undefined && running.signature !== undefined && signature !== running.signature) {
      throw new Error(
        "pop3-mock: globalSetup(): a server an earlier setup of this run started (another jest project's) serves the whole run, with that setup's options and config file, and this setup gives others, which it would not serve: give every setup of the run the same options and config, or list one setup for the run",
      );
    }
    running.users++;
    return running.pop3;
  }
  const { merged, file, fileUsers, fromFile, given } = serverOptions(options);
  let pop3: Pop3Mock;
  try {
    pop3 = await startPop3Mock(merged);
  } catch (error) {
    // Options the config file gave are refused in the file, as the CLI names them.
    if (error instanceof InputError && error.source === OPTIONS_SOURCE && file !== undefined)
      throw inConfigFile(error, file, fromFile, given);
    // A fixture the config file named is placed in the file, as the CLI places it.
    if (!(error instanceof FixtureError) || file === undefined) throw error;
    // Paths as the schema writes them (`users.a.messages[0]`, `users["a b"]...`): one of a file user's.
    const inFile = [...fileUsers].some((user) => {
      const at = pathText(['users', user]);
      return error.path.startsWith(at) && /^($|[.[])/.test(error.path.slice(at.length));
    });
    throw inFile ? error.placedAt(`config ${file}: ${error.path}`) : error;
  }
  let caFile: string | undefined;
  try {
    caFile = writeCaFile(pop3, 'jest');
  } catch (error) {
    // Nothing stays half-way: a server nobody holds would keep jest's process open after the run.
    await pop3.close();
    if (!(error instanceof CaFileError)) throw error;
    throw new Error(`pop3-mock jest global setup: ${error.message}`, { cause: error });
  }
  const values: Record<(typeof GLOBAL_ENV)[number], string | undefined> = {
    POP3_MOCK_HOST: pop3.host,
    POP3_MOCK_PORT: String(pop3.port),
    POP3_MOCK_TLS_PORT: pop3.tlsPort === undefined ? undefined : String(pop3.tlsPort),
    POP3_MOCK_SMTP_PORT: pop3.smtpPort === undefined ? undefined : String(pop3.smtpPort),
    POP3_MOCK_SMTP_TLS_PORT: pop3.smtpTlsPort === undefined ? undefined : String(pop3.smtpTlsPort),
    POP3_MOCK_CONTROL_URL: pop3.controlUrl,
    POP3_MOCK_TOKEN: pop3.controlToken,
    POP3_MOCK_CA_FILE: caFile,
  };
  const saved: Record<string, string | undefined> = {};
  for (const name of GLOBAL_ENV) {
    saved[name] = process.env[name];
    setEnv(name, values[name]);
  }
  holder[KEY] = { pop3, users: 1, caFile, saved, signature: setupSignature(options) };
  return pop3;
}

/**
 * Stops the server {@link globalSetup} started, removes its CA file and
 * restores the environment. Does nothing when no server runs.
 */
export async function globalTeardown(): Promise<void> {
  const running = holder[KEY];
  if (!running) return;
  running.users--;
  if (running.users > 0) return;
  delete holder[KEY];
  await running.pop3.close();
  removeCaFile(running.caFile);
  for (const [name, value] of Object.entries(running.saved)) setEnv(name, value);
}

/**
 * What a setup asks for, to compare with another's: the config file it
 * finds (its full path) and its own options, as JSON (a rule built twice
 * alike is the same, its made id left out; so are functions). Undefined when the options do
 * not turn into JSON: then no comparison is made.
 */
function setupSignature(options: GlobalSetupOptions): string | undefined {
  const { config, rootDir = process.cwd(), ...given } = options;
  const file = config === false ? undefined : findConfig(config, rootDir);
  try {
    // A rule's made id differs each time it is built; one the user gave counts.
    return JSON.stringify(
      { file: file === undefined ? null : resolve(rootDir, file), given },
      (key, value) => (key === 'id' && typeof value === 'string' && MADE_ID.test(value) ? undefined : value),
    );
  } catch {
    return undefined;
  }
}

/** The server the global setup started in this process, if any (for tests of a setup file). */
export function globalServer(): Pop3Mock | undefined {
  return holder[KEY]?.pop3;
}

/**
 * A refusal of the options whose every issue is at a setting the config file
 * gave (and the setup's options did not override) is the file's:
 * `config pop3-mock.config.json: faults[0].action.type: ...`, as the CLI says
 * it. One with an issue of the setup's own options stays as it was.
 */
function inConfigFile(error: InputError, file: string, fromFile: object, given: object): InputError {
  const inFile = (path: string) =>
    valueAtPath(fromFile, path) !== undefined && valueAtPath(given, path) === undefined;
  return error.issues.every((issue) => issue.path !== '' && inFile(issue.path))
    ? new InputError(error.issues, `config ${file}`)
    : error;
}

function serverOptions(options: GlobalSetupOptions): {
  merged: Pop3MockOptions;
  file: string | undefined;
  /** The users whose fixtures the config file gives (not overridden by the options). */
  fileUsers: ReadonlySet<string>;
  /** What the config file gave, and the setup's own options, before they were merged. */
  fromFile: Pop3MockOptions;
  given: Omit<GlobalSetupOptions, 'config' | 'rootDir'>;
} {
  const { config, rootDir = process.cwd(), ...given } = options;
  if (given.control === false) {
    throw new Error('pop3-mock: the jest global setup needs the control channel; do not pass control: false');
  }
  const file = config === false ? undefined : findConfig(config, rootDir);
  const fromFile = file === undefined ? {} : configFileOptions(file, rootDir, config === undefined);
  const merged: Pop3MockOptions = { ...fromFile, ...given };
  if (fromFile.users || given.users) merged.users = { ...fromFile.users, ...given.users };
  const control = typeof merged.control === 'object' ? merged.control : {};
  // A token chosen by the parent process (as for the CLI) wins over a random one.
  merged.control = { ...control, token: control.token ?? tokenFromEnv() };
  const fileUsers = new Set(
    Object.keys(fromFile.users ?? {}).filter((u) => !Object.hasOwn(given.users ?? {}, u)),
  );
  return { merged, file, fileUsers, fromFile, given };
}

function findConfig(config: string | undefined, rootDir: string): string | undefined {
  return config ?? envConfig() ?? configIn(rootDir);
}

/** `POP3_MOCK_CONFIG`, empty counting as unset. */
function envConfig(): string | undefined {
  return process.env.POP3_MOCK_CONFIG || undefined;
}

/** The config file a folder holds: the first of {@link CONFIG_FILES} there, by name. */
function configIn(dir: string): string | undefined {
  return CONFIG_FILES.find((name) => existsSync(resolve(dir, name)));
}

/**
 * The folder whose config file serves a jest run of projects. Jest
 * runs a global setup module once for the whole run, with the config of
 * whichever project's test comes first (it varies with the tests' timings):
 * the other projects' config files were never read, and which one served
 * changed from run to run. So the run's folder and every project's are
 * looked in: one config file among them serves, wherever it is; two are
 * refused, naming them. `POP3_MOCK_CONFIG` names the one file outright.
 */
export function configRootOfRun(own: string, runRoot: string, projectRoots: readonly string[]): string {
  if (envConfig() !== undefined || projectRoots.length === 0) return own;
  const found = [...new Set([runRoot, ...projectRoots])].flatMap((dir) => {
    const name = configIn(dir);
    return name === undefined ? [] : [resolve(dir, name)];
  });
  if (found.length === 1) return dirname(found[0]!);
  if (found.length === 0) return own;
  const shown = found.map((f) => relative(runRoot, f) || f).join(', ');
  throw new Error(
    `pop3-mock jest global setup: the run's projects hold ${found.length} config files (${shown}), and one server, started once, serves the whole run (jest runs the global setup once, for one project): keep one config file (in ${runRoot}), or name one with POP3_MOCK_CONFIG`,
  );
}

/**
 * A config file in the CLI's format, as server options; relative fixture
 * paths resolve against its folder. A file that `POP3_MOCK_CONFIG` named is
 * said to be that variable's, with where its path led.
 */
function configFileOptions(file: string, rootDir: string, mayBeEnv: boolean): Pop3MockOptions {
  try {
    return optionsFromConfig(loadConfig(file, rootDir));
  } catch (error) {
    const named = mayBeEnv ? envConfig() : undefined;
    const from = named === undefined ? '' : `POP3_MOCK_CONFIG (${resolve(rootDir, named)}): `;
    throw new Error(`pop3-mock jest global setup: ${from}${(error as Error).message}`, { cause: error });
  }
}

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
