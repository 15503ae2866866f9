/** The package version, inlined by the bundler from package.json. */
export function packageVersion(): string {
  // A literal require: tsup/esbuild inline the JSON, so dist/cli.js does not look for it at run time.
  const pkg = require('../../package.json') as { version: string };
  return pkg.version;
}
