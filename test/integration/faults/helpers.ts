// Shared helpers for the fault-injection tests (docs/FAULTS.md). Expected bytes are
// computed here from the raw fixtures, independently of src/.

import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import {
  type BuiltRule,
  type FaultActionType,
  type Pop3Mock,
  type Pop3MockOptions,
  type SessionRecord,
  startPop3Mock,
} from '../../../src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';
import { stuff, wireOf as wireOfBytes } from '../../helpers/wire';
import { PASSWORD, USER } from '../../helpers/with-mock';

export { login } from '../../helpers/fixtures';
export { RawClient } from '../../helpers/raw-client';

export { PASSWORD, USER, withMock } from '../../helpers/with-mock';

/** Three messages with bare LF line ends; the second has a lone `.` line and a `.x` line. */
export const MESSAGES: readonly string[] = [
  'From: a@example.com\nTo: alice@example.com\nSubject: one\n\nfirst body\n',
  'From: b@example.com\nTo: alice@example.com\nSubject: two\n\nbefore\n.\n.x\nafter the dot\n',
  'From: c@example.com\nTo: alice@example.com\nSubject: three\n\nthird line 1\nthird line 2\nthird line 3\n',
];

/** RFC 1939 §3/§11 wire form: bare LF becomes CRLF, a final CRLF is added when missing. */
export const wireOf = (raw: string): Buffer => wireOfBytes(Buffer.from(raw, 'latin1'));

/** LIST size of a fixture: the octets RETR sends before stuffing. */
export const sizeOf = (raw: string): number => wireOf(raw).length;

export { stuff };

/** The data part of a multi-line reply for a message: stuffed wire form and `.` CRLF. */
export const retrData = (raw: string): Buffer => Buffer.concat([stuff(wireOf(raw)), Buffer.from('.\r\n')]);

/** Options for a mock with `alice` holding `messages` (default {@link MESSAGES}) and `bob` with one message; the rest are added. */
export function aliceAndBob(
  options: Pop3MockOptions & { messages?: readonly string[] } = {},
): Pop3MockOptions {
  const { messages = MESSAGES, ...rest } = options;
  return {
    users: { [USER]: { password: PASSWORD, messages }, bob: { password: 'hunter2', messages: ['x\n'] } },
    ...rest,
  };
}

/** A plain Node socket, connected, with its events recorded. */
/** A start's error; a server that started anyway is closed (and returned, for the test's failure). */
export const startError = (options: Pop3MockOptions): Promise<unknown> =>
  startPop3Mock(options).then(
    async (pop3) => {
      await pop3.close();
      return pop3;
    },
    (error: unknown) => error,
  );

export interface Observed {
  socket: Socket;
  chunks: Buffer[];
  /** All bytes received so far. */
  readonly bytes: Buffer;
  /** Resolves when the socket has closed: how it ended. */
  ended: Promise<{ end: boolean; error: NodeJS.ErrnoException | undefined; bytes: Buffer }>;
  /** Resolves once at least `n` bytes have arrived (rejects on close before that). */
  received(n: number): Promise<Buffer>;
}

export async function observe(port: number, options: { noDelay?: boolean } = {}): Promise<Observed> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: options.noDelay ?? false });
  const chunks: Buffer[] = [];
  let end = false;
  let error: NodeJS.ErrnoException | undefined;
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    wake();
  });
  socket.on('end', () => {
    end = true;
  });
  socket.on('error', (e) => {
    error = e;
  });
  const ended = new Promise<{ end: boolean; error: NodeJS.ErrnoException | undefined; bytes: Buffer }>(
    (resolve) =>
      socket.on('close', () => {
        wake();
        resolve({ end, error, bytes: Buffer.concat(chunks) });
      }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const observed: Observed = {
    socket,
    chunks,
    get bytes() {
      return Buffer.concat(chunks);
    },
    ended,
    async received(n) {
      for (;;) {
        const bytes = Buffer.concat(chunks);
        if (bytes.length >= n) return bytes;
        if (socket.destroyed) throw new Error(`closed after ${bytes.length} of ${n} bytes`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
  return observed;
}

/** Waits until `text` occurs in what the socket received. */
export async function receivedText(o: Observed, text: string): Promise<Buffer> {
  for (let n = 1; ; n = o.bytes.length + 1) {
    const bytes = await o.received(n);
    if (bytes.includes(text)) return bytes;
  }
}

/** Waits until `count` CRLF-ended lines have arrived. */
export async function receivedLines(o: Observed, count: number): Promise<Buffer> {
  for (let n = 1; ; n = o.bytes.length + 1) {
    const bytes = await o.received(n);
    if (bytes.toString('latin1').split('\r\n').length > count) return bytes;
  }
}

/** Logs in over an observed socket, then forgets the bytes received so far. */
export async function observeLoggedIn(port: number, options: { noDelay?: boolean } = {}): Promise<Observed> {
  const o = await observe(port, options);
  o.socket.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`);
  const bytes = await receivedLines(o, 3);
  if (!/\r\n\+OK [^\r]*\r\n\+OK [^\r]*\r\n$/.test(bytes.toString('latin1'))) {
    throw new Error(`login failed: ${JSON.stringify(bytes.toString('latin1'))}`);
  }
  o.chunks.length = 0;
  return o;
}

/** Checks that a rule fired in a session, and that the transcript shows it. */
export function expectFault(
  pop3: Pop3Mock,
  session: SessionRecord,
  rule: BuiltRule,
  action: FaultActionType,
): void {
  expect(session.faults.map((f) => [f.ruleId, f.action])).toContainEqual([rule.id, action]);
  expect(session.faults.find((f) => f.ruleId === rule.id)?.description).toBe(rule.explain());
  expect(pop3.transcript()).toContain(`-- fault ${rule.id}: ${rule.explain()}`);
}

export { failOnHostErrors, hostProcess } from '../../helpers/host-errors';

// Python's poplib, with a timeout of our choice and every exception reported.

/** One result per step: the value, or the exception's class name and text. */
export type PyResult =
  | { ok: unknown }
  | { raised: string; message: string; lines?: string[] }
  | { lines: string[]; raised: string; message: string };

const PY_SCRIPT = `
import json, poplib, ssl, sys

def describe(e):
    m = e.args[0] if len(e.args) == 1 else str(e)
    return m.decode('latin-1') if isinstance(m, bytes) else str(m)

def enc(v):
    if isinstance(v, bytes):
        return v.decode('latin-1')
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return v

port, timeout, ops = int(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
out = []
try:
    client = poplib.POP3('127.0.0.1', port, timeout=timeout)
    out.append({'ok': enc(client.getwelcome())})
except Exception as e:
    out.append({'raised': type(e).__name__, 'message': describe(e)})
    ops = []
for op in ops:
    name, args = op[0], op[1:]
    try:
        if name == 'timeout':
            # From here on: a short timeout for the command meant to time out only, not the greeting
            # and login before it, which a loaded machine can take longer than that to answer.
            client.sock.settimeout(args[0])
            out.append({'ok': args[0]})
        elif name == 'stls':
            context = ssl.create_default_context(cadata=args[0])
            out.append({'ok': enc(client.stls(context))})
        elif name == 'lines':
            # The command, then poplib's own line reader until it fails.
            got = []
            client._putcmd(args[0])
            try:
                while True:
                    got.append(enc(client._getline()[0]))
            except Exception as e:
                out.append({'lines': got, 'raised': type(e).__name__, 'message': describe(e)})
        else:
            out.append({'ok': enc(getattr(client, name)(*args))})
    except Exception as e:
        out.append({'raised': type(e).__name__, 'message': describe(e)})
        if not isinstance(e, poplib.error_proto):
            break
try:
    client.close()
except Exception:
    pass
print(json.dumps(out))
`;

/** Finds the Python interpreter once, before the tests (a pyenv shim is slow to start). */
export function warmPython(): void {
  beforeAll(async () => {
    await pythonExecutable();
  }, 10_000);
}

/** Runs Python's poplib against `port`: connects (result 0 is the greeting), then runs `ops`. */
export async function python(
  port: number,
  ops: (string | number)[][],
  timeoutSeconds = 5,
): Promise<PyResult[]> {
  const exe = await pythonExecutable();
  return new Promise((resolve, reject) => {
    execFile(
      exe,
      ['-S', '-c', PY_SCRIPT, String(port), String(timeoutSeconds), JSON.stringify(ops)],
      { encoding: 'utf8', timeout: 10_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`python3 failed (${error.message}): ${stderr}`));
        else resolve(JSON.parse(stdout) as PyResult[]);
      },
    );
  });
}

/**
 * Python's poplib logs in as alice, then sends RETR 1 with a 0.1 s timeout: what that gave (its
 * result 4). Unshaped, the whole reply comes within a few ms.
 */
export async function pythonRetrWithShortTimeout(port: number): Promise<PyResult | undefined> {
  const py = await python(port, [
    ['user', USER],
    ['pass_', PASSWORD],
    ['timeout', 0.1],
    ['retr', 1],
  ]);
  return py[4];
}

/** Milliseconds since `start` (performance.now()). */
export const since = (start: number): number => performance.now() - start;
