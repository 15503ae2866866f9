'use strict';
// The suite loads zod's CommonJS build (the package bundles zod, tree-shaken to
// its English texts: tsup.config.ts), whose locales/index.cjs requires all 63
// locale modules, and jest loads zod afresh for every test file: about 50 ms of
// CPU per file here. jest.config.js maps zod's `../locales/index.cjs` here: the
// same names, frozen as zod freezes them, each locale module required when its
// name is first read (z.locales.de()). The names come from zod's own index.
const { readFileSync } = require('node:fs');

const source = readFileSync(require.resolve('zod/v4/locales/index.cjs'), 'utf8');
const files = new Map(
  [...source.matchAll(/var (\w+) = require\("\.\/([\w-]+\.cjs)"\);/g)].map((m) => [m[1], m[2]]),
);
const getters = [
  ...source.matchAll(
    /Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return __importDefault\((\w+)\)\.default; \} \}\);/g,
  ),
];
if (getters.length === 0 || getters.length !== files.size) {
  throw new Error(
    `zod-locales-lazy: zod's locale index changed (${getters.length} names, ${files.size} modules)`,
  );
}
Object.defineProperty(exports, '__esModule', { value: true });
for (const [, name, variable] of getters) {
  const file = files.get(variable);
  if (file === undefined) throw new Error(`zod-locales-lazy: no module for the locale ${name}`);
  Object.defineProperty(exports, name, {
    enumerable: true,
    get() {
      // As zod's __importDefault: a locale module's exports are its function.
      const loaded = require(`zod/v4/locales/${file}`);
      return loaded?.__esModule ? loaded.default : loaded;
    },
  });
}
Object.freeze(exports);
