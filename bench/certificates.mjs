// (g) What a generated certificate costs, per `tls.certificate` mode: the
// time to make the exposed CA and the mode's server certificate (what the
// first server of a process pays on first TLS use), and the mode's
// certificate alone with the CA already made (what each further mode costs;
// a mode already used costs nothing: both are cached per process).
// Floor, measured in turns with the mock: one ECDSA P-256 key pair and one
// signature, the least any certificate costs.
//
// The generator is not part of the public API: it is bundled from
// src/server/tls/ with esbuild (a dev dependency, through tsup), so this
// measure needs no build of the package.
//
// Run: node bench/certificates.mjs [--quick]
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BENCH_DIR, compareRow, flags, report } from './lib/common.mjs';

const options = flags();
const ROUNDS = options.quick ? 30 : 200;
const MODES = ['valid', 'expired', 'not-yet-valid', 'wrong-host', 'self-signed', 'untrusted-ca'];

const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-bench-tls-'));
let modes;
try {
  const outfile = join(dir, 'certificate-modes.mjs');
  await build({
    stdin: {
      contents: "export * from './certificate-modes'; export { createAuthority } from './certificate';",
      resolveDir: join(BENCH_DIR, '..', 'src', 'server', 'tls'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
  });
  modes = await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const { certificateFor, createAuthority, currentValidity, generateTlsMaterial } = modes;

function floorOnce() {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  sign('sha256', Buffer.alloc(300), { key: keys.privateKey, dsaEncoding: 'der' });
}

const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

// Warm-up: JIT and OpenSSL's first-use costs stay out of the figures.
for (let i = 0; i < 20; i++) {
  floorOnce();
  generateTlsMaterial('valid');
}

const rows = [];
for (const mode of MODES) {
  const fresh = [];
  const leaf = [];
  const floor = [];
  for (let i = 0; i < ROUNDS; i++) {
    floor.push(time(floorOnce));
    fresh.push(time(() => generateTlsMaterial(mode)));
    const now = new Date();
    const ca = createAuthority('bench CA', currentValidity(now));
    leaf.push(time(() => certificateFor(mode, ca, now)));
  }
  rows.push(
    compareRow({
      measure: `${mode}: CA + certificate (first server of a process)`,
      unit: 'ms',
      mock: fresh,
      floor,
      paired: true,
      better: 'lower',
      note: `${ROUNDS} rounds, floor: one P-256 key pair + one signature`,
    }),
    compareRow({
      measure: `${mode}: certificate only (CA cached)`,
      unit: 'ms',
      mock: leaf,
      floor,
      paired: true,
      better: 'lower',
    }),
  );
}
report('(g) generated certificates per tls.certificate mode', rows, options);
