import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pythonExecutable } from './python-poplib';

const SCRIPT = join(__dirname, '..', '..', 'interop', 'python', 'smtp_send.py');

/** How `smtp_send.py` sends: the connection, the login, the envelope. */
export interface SmtplibSpec {
  port: number;
  mode: 'plain' | 'starttls' | 'smtps';
  /** The CA (PEM) to verify the server against, for starttls and smtps. */
  ca?: string;
  user?: string;
  password?: string;
  from: string;
  to: string[];
}

/** What smtplib said: sendmail() returned (refused recipients, if any), or it raised. */
export type SmtplibResult =
  | { ok: { refused: Record<string, unknown> } }
  | { error: string; code: number | null; message: string };

/** Sends `message` with Python's standard smtplib (see test/interop/python/smtp_send.py). */
export async function sendWithSmtplib(spec: SmtplibSpec, message: string | Buffer): Promise<SmtplibResult> {
  const python = await pythonExecutable();
  const args = { ca: null, user: null, password: null, ...spec };
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      // -S: no site packages (smtplib is stdlib), so start-up stays fast.
      ['-S', SCRIPT, JSON.stringify(args)],
      { encoding: 'utf8', timeout: 15_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`python3 failed (${error.message}): ${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout) as SmtplibResult);
      },
    );
    child.stdin?.end(message);
  });
}
