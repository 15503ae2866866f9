import type { DialectFile } from '../dialects/dialect-file';
import { checkInput } from '../schema/check';
import { dialectFile } from '../schema/dialect-file';
import { InputError } from '../schema/input-error';
import { buildDialectFile } from './build-dialect-file';
import type { Endpoint } from './line-client';
import { runProbeScript } from './probe-script';
import { type Exchange, ProbeSessions } from './probe-session';

/** What `captureDialect` needs: where the server is, who logs in, how the file is written. */
export interface CaptureOptions extends Endpoint {
  readonly user: string;
  readonly password: string;
  /** STLS at the start of every session. */
  readonly starttls: boolean;
  /** The dialect's name in the file. Default `captured`. */
  readonly name?: string;
  /** Keep the host name where the server's texts show it. */
  readonly keepHost?: boolean;
  /** Progress lines (what is probed and what came back; passwords masked). */
  readonly log?: (line: string) => void;
}

/** A capture's result: the dialect file and the conversation that taught it. */
export interface Capture {
  readonly file: DialectFile;
  /** Every command sent and its reply (PASS masked; message data included, never written to the file). */
  readonly transcript: readonly Exchange[];
}

/** The file the capture made fails the dialect-file schema: it is not written (a capture bug or an odd server). */
export class CapturedFileInvalid extends Error {
  override readonly name = 'CapturedFileInvalid';
}

/**
 * Probes a POP3 server with the fixed script of docs/DIALECTS.md and returns
 * the dialect file that replays it. It commits no deletion: every DELE is
 * undone by RSET and its session dropped without QUIT.
 *
 * @throws CaptureStopped when the server refuses the login or behaves in a
 *   way the script cannot take as harmless; CapturedFileInvalid when the file
 *   would fail the dialect-file schema (`--dialect` would refuse it); network
 *   errors as they come.
 */
export async function captureDialect(options: CaptureOptions): Promise<Capture> {
  const log = options.log ?? (() => {});
  const sessions = new ProbeSessions(options, options, log);
  try {
    const tls = options.tls ? 'implicit' : options.starttls ? 'stls' : 'none';
    const findings = await runProbeScript(sessions, options, tls);
    const file = buildDialectFile(findings, {
      name: options.name ?? 'captured',
      host: options.host,
      keepHost: options.keepHost ?? false,
      user: options.user,
    });
    try {
      // The one schema `--dialect` and loadDialect() check: a file it refuses is never handed out.
      checkInput(dialectFile, file, { source: 'the captured dialect file' });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new CapturedFileInvalid(error.message);
    }
    return { file, transcript: sessions.transcript };
  } finally {
    sessions.drop();
  }
}
