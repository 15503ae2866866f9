/**
 * `pop3-mock/jest/global-setup`: list it as jest's `globalSetup` to start one
 * pop3-mock for the whole run (with `pop3-mock/jest/global-teardown` as
 * `globalTeardown`). It reads `pop3-mock.config.js`, `.cjs` or `.json` from
 * jest's `rootDir` (or the file named by `POP3_MOCK_CONFIG`) and hands the
 * server's address to the workers in `POP3_MOCK_*` environment variables; a
 * worker connects with `connectPop3Mock()`.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   globalSetup: 'pop3-mock/jest/global-setup',
 *   globalTeardown: 'pop3-mock/jest/global-teardown',
 * };
 */
import { dirname, resolve } from 'node:path';
import { configRootOfRun, globalSetup } from './global-server';

/** What jest passes: its global and project configs (only `rootDir`, `projects` and the two hooks are read). */
export interface JestConfigLike {
  rootDir?: string;
  /** The module jest runs before the run (this one, when listed). */
  globalSetup?: string | null;
  /** The module jest runs after the run: one must stop the server. */
  globalTeardown?: string | null;
  /** The run's projects, as its config lists them: folders or config files, or inline configs. */
  projects?: ReadonlyArray<unknown>;
}

/**
 * Jest's `globalSetup` hook: starts the server, configured from the config
 * file in `rootDir`. In a run of several projects, jest runs it once for
 * all: the one config file among the run's folder and its projects' serves,
 * and two are refused (see `configRootOfRun`). The default export; also
 * exported by name, for a global setup of your own that does more.
 */
export async function pop3MockGlobalSetup(
  globalConfig?: JestConfigLike,
  projectConfig?: JestConfigLike,
): Promise<void> {
  refuseWithoutTeardown(globalConfig, projectConfig);
  const runRoot = globalConfig?.rootDir ?? process.cwd();
  const own = projectConfig?.rootDir ?? runRoot;
  const projects = (globalConfig?.projects ?? []).map((p) => projectRoot(p, runRoot));
  await globalSetup({
    rootDir: configRootOfRun(
      own,
      runRoot,
      projects.filter((p) => p !== undefined),
    ),
  });
}

/**
 * A jest config that lists this setup and no `globalTeardown`: the server
 * would hold jest's process open after the run ("Jest did not exit one
 * second after the test run has completed", for ever) and leave its CA file.
 * Judged only on configs as jest passes them (they have the `globalSetup`
 * key); a setup of your own that calls this with none is its own judge.
 */
function refuseWithoutTeardown(globalConfig?: JestConfigLike, projectConfig?: JestConfigLike): void {
  const fromJest = [globalConfig, projectConfig].some((c) => c !== undefined && 'globalSetup' in c);
  if (!fromJest || projectConfig?.globalTeardown || globalConfig?.globalTeardown) return;
  throw new Error(
    "pop3-mock jest global setup: the jest config lists no globalTeardown, so the server would outlive the tests and hold jest open after the run: add globalTeardown: 'pop3-mock/jest/global-teardown' next to globalSetup",
  );
}

/** A project's folder: a folder or config file path as listed, or an inline config's `rootDir`. */
function projectRoot(project: unknown, runRoot: string): string | undefined {
  const expand = (path: string) => resolve(runRoot, path.replaceAll('<rootDir>', runRoot));
  if (typeof project === 'string') {
    // A config file (jest.config.js, package.json) stands for its folder.
    return /\.[cm]?[jt]s$|\.json$/.test(project) ? dirname(expand(project)) : expand(project);
  }
  if (typeof project !== 'object' || project === null) return undefined;
  const { rootDir } = project as { rootDir?: unknown };
  return typeof rootDir === 'string' ? expand(rootDir) : runRoot;
}

export default pop3MockGlobalSetup;
