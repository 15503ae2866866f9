import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode } from '../error-code';
import { fileReason } from '../json-file';
import type { Pop3Mock } from '../server/pop3-mock';

/**
 * Writes the CA that signed the server's certificate to a PEM file of this
 * process, for clients in other processes (`curl --cacert`, Python's `ssl`),
 * when the server speaks TLS at all; the CLI and the jest global setup hand
 * its path on. Returns the path, or undefined without TLS. The files of
 * processes that are gone go then too.
 */
export function writeCaFile(pop3: Pop3Mock, purpose: string): string | undefined {
  // Any listener that serves TLS: POP3S, STLS, and the SMTP intake (STARTTLS, SMTPS) presents the same certificate.
  const smtpTls = pop3.hasTls && (pop3.smtpPort !== undefined || pop3.smtpTlsPort !== undefined);
  if (pop3.tlsPort === undefined && !pop3.offersStls && !smtpTls) return undefined;
  const file = join(tmpdir(), `pop3-mock-${purpose}-${process.pid}-ca.pem`);
  try {
    writeFileSync(file, pop3.tls.ca);
  } catch (error) {
    throw new CaFileError(file, error);
  }
  removeStaleCaFiles();
  return file;
}

/**
 * The CA file could not be written (a temp folder gone, unwritable, full).
 * Whoever started the server closes it before passing this on: nothing
 * stays half-way, and no server runs on that nobody holds.
 */
export class CaFileError extends Error {
  override readonly name = 'CaFileError';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `cannot write the CA file that TLS clients trust, ${file} (in the temp folder, TMPDIR): ${fileReason(cause)}`,
      { cause },
    );
  }
}

/** The name {@link writeCaFile} gives a file: its purpose and the pid of the process that wrote it. */
const CA_FILE_NAME = /^pop3-mock-(?:cli|jest)-(\d+)-ca\.pem$/;

/**
 * Removes the CA files of processes that are gone: a CLI or a jest run
 * ended by SIGKILL (a CI timeout, a killed test runner) could not remove
 * its own, and the temp folder kept one per run. A file whose process still
 * runs (or may: another user's, whose signal is refused) is kept.
 */
function removeStaleCaFiles(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    // No listing, nothing to tidy: the CA file this process wrote is there all the same.
    return;
  }
  for (const name of names) {
    const pid = Number(CA_FILE_NAME.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(tmpdir(), name), { force: true });
    } catch {
      // Another user's file in a shared temp folder: theirs to remove; nothing changes for this process.
    }
  }
}

/** Whether process `pid` runs: signal 0 checks without sending; EPERM means it runs as another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Removes a file {@link writeCaFile} wrote (nothing when there is none). */
export function removeCaFile(file: string | undefined): void {
  if (file !== undefined) rmSync(file, { force: true });
}
