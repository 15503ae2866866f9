import { execFile } from 'node:child_process';
import { type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';

/** Passwords no reply text, uid or fixture contains, so "never printed" checks mean something. */
export const ALICE_PASSWORD = 'Tr0ub4dor&3 horse';
export const BOB_PASSWORD = 'c0rrect-b4ttery-staple';

export const MESSAGE_1 = 'From: a@example.com\r\nSubject: one\r\n\r\nfirst body\r\n.leading dot\r\n';
export const MESSAGE_2 = 'From: b@example.com\r\nSubject: two\r\n\r\nsecond\r\n';
export const MESSAGE_3 = 'From: c@example.com\r\nSubject: three\r\n\r\nthird\r\n';

export function transcriptOptions(extra: Pop3MockOptions = {}): Pop3MockOptions {
  return {
    users: {
      alice: { password: ALICE_PASSWORD, messages: [MESSAGE_1, MESSAGE_2, MESSAGE_3] },
      bob: { password: BOB_PASSWORD, messages: [MESSAGE_2] },
    },
    ...extra,
  };
}

export function startTranscriptServer(extra: Pop3MockOptions = {}): Promise<Pop3Mock> {
  return startPop3Mock(transcriptOptions(extra));
}

/**
 * Runs Python code with `poplib` imported and `P = poplib.POP3('127.0.0.1', port)`
 * connected; `ARGS` holds the extra arguments. Resolves with stdout.
 */
export async function python(port: number, code: string, ...args: string[]): Promise<string> {
  const executable = await pythonExecutable();
  const script = [
    'import poplib, sys, json',
    'ARGS = sys.argv[2:]',
    "P = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=5)",
    code,
  ].join('\n');
  return new Promise((resolve, reject) => {
    execFile(
      executable,
      ['-S', '-c', script, String(port), ...args],
      { encoding: 'utf8', timeout: 10_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`python failed: ${stderr}`)) : resolve(stdout)),
    );
  });
}
