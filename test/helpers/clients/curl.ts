import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CurlResult {
  /** curl's exit code (0 on success, 67 for CURLE_LOGIN_DENIED, ...). */
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs the curl binary (with `input` on its stdin, for `--upload-file -`); resolves with its exit code and output whatever the code. */
export function runCurl(args: readonly string[], input?: Buffer | string): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'curl',
      ['--silent', '--show-error', '--max-time', '10', ...args],
      { encoding: 'buffer', timeout: 15_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? (error.code as unknown as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/**
 * Runs several requests in one curl process, joined with `--next` (curl then
 * reuses one connection, so they share one POP3 session), each writing its
 * body to its own file. `common` (e.g. `-u user:pass`) is repeated for each.
 */
export async function runCurlMany(
  requests: readonly (readonly string[])[],
  common: readonly string[],
): Promise<CurlResult & { outputs: Buffer[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-curl-'));
  try {
    const files = requests.map((_, i) => join(dir, `out-${i}`));
    const args = requests.flatMap((request, i) => [
      ...(i === 0 ? [] : ['--next']),
      ...common,
      ...request,
      '-o',
      files[i]!,
    ]);
    const result = await runCurl(args);
    const outputs = await Promise.all(files.map((f) => readFile(f).catch(() => Buffer.alloc(0))));
    return { ...result, outputs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
