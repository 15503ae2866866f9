'use strict';
// jest's runtime compiles each module with vm.compileFunction, which V8 does not
// cache: every test file compiled src/, zod and jest's own modules afresh, about
// 100 ms of CPU per file here, and the functions they run lazily again as well.
// This runtime compiles a module once per worker as a vm.Script (the module
// wrapper written out, as jest did before compileFunction) and runs that script
// in each test file's context. Running it makes new closures in the file's own
// context, so every test file still evaluates its modules afresh in its own
// registry: only the compiled code is shared, never a module's state.
// jest.config.js names this file as `runtime`.
const { AsyncLocalStorage } = require('node:async_hooks');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

// jest-circus makes an AsyncLocalStorage in every test file and runs the tests in it. Once used, a
// storage stays enabled until disable(), and node calls every enabled storage for each new async
// resource (promise, socket, timer): each file of a worker paid for the storages of all the files
// before it (5.4 s of CPU in a profile of the suite run in band). A file's storages end with it.
/** The storages first used since the test file now running began: disabled when it ends. */
let enabledInFile;
const enable = AsyncLocalStorage.prototype._enable;
if (typeof enable === 'function') {
  AsyncLocalStorage.prototype._enable = function (...args) {
    if (!this.enabled) enabledInFile?.add(this);
    return enable.apply(this, args);
  };
}

/** filename -> the script compiled for that source and those module parameters. */
const scripts = new Map();

/** Dynamic import() in an untransformed module needs jest's ESM support; without it jest throws this. */
function noDynamicImport() {
  throw new Error(
    'You need to run with a version of node that supports ES Modules in the VM API. See https://jestjs.io/docs/ecmascript-modules',
  );
}

class ScriptCacheRuntime extends Runtime {
  constructor(config, environment, resolver, transformer, cacheFS, coverageOptions, ...rest) {
    super(config, environment, resolver, transformer, cacheFS, coverageOptions, ...rest);
    enabledInFile = new Set();
    const executor = this.executor;
    if (typeof executor?.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) {
      throw new Error('script-cache-runtime: jest-runtime changed shape (no executor.compile)');
    }
    // Coverage counts per script, and ES modules in the VM need jest's dynamic
    // import: both keep jest's own compile.
    if (coverageOptions.collectCoverage || typeof vm.SyntheticModule === 'function') return;
    const compile = executor.compile.bind(executor);
    executor.compile = (source, filename) => {
      const context = environment.getVmContext();
      if (context == null) return null;
      // jest names a core module's script apart (jest-nodejs-core-...): left to it.
      if (executor.resolution.isCoreModule(filename)) return compile(source, filename);
      const parameters = executor.injectedModuleParameters.join(', ');
      let entry = scripts.get(filename);
      if (entry === undefined || entry.source !== source || entry.parameters !== parameters) {
        let script;
        try {
          // The wrapper's first line is line 0, so stack traces keep the module's line numbers.
          script = new vm.Script(`(function (${parameters}) {\n${source}\n})`, {
            filename,
            lineOffset: -1,
            importModuleDynamically: noDynamicImport,
          });
        } catch {
          // jest's compile reports a source that does not compile, in its own words.
          return compile(source, filename);
        }
        entry = { source, parameters, script };
        scripts.set(filename, entry);
      }
      return entry.script.runInContext(context);
    };
  }

  teardown() {
    super.teardown();
    for (const storage of enabledInFile ?? []) storage.disable();
    enabledInFile = undefined;
  }
}

module.exports = ScriptCacheRuntime;
module.exports.default = ScriptCacheRuntime;
