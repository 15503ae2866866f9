import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pop3Mock } from '../server/pop3-mock';

/**
 * Writes the CA that signed the server's certificate to a PEM file of this
 * process, for clients in other processes (`curl --cacert`, Python's `ssl`),
 * when the server speaks TLS at all; the CLI and the jest global setup hand
 * its path on. Returns the path, or undefined without TLS.
 */
export function writeCaFile(pop3: Pop3Mock, purpose: string): string | undefined {
  // Any listener that serves TLS: POP3S, STLS, and the SMTP intake (STARTTLS, SMTPS) presents the same certificate.
  const smtpTls = pop3.hasTls && (pop3.smtpPort !== undefined || pop3.smtpTlsPort !== undefined);
  if (pop3.tlsPort === undefined && !pop3.offersStls && !smtpTls) return undefined;
  const file = join(tmpdir(), `pop3-mock-${purpose}-${process.pid}-ca.pem`);
  writeFileSync(file, pop3.tls.ca);
  return file;
}

/** Removes a file {@link writeCaFile} wrote (nothing when there is none). */
export function removeCaFile(file: string | undefined): void {
  if (file !== undefined) rmSync(file, { force: true });
}
