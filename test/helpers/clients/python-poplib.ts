import { execFile } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'interop', 'python', 'pop3_session.py');

/** One poplib.POP3 call: the method name and its arguments. */
export type PythonOp = [string, ...(string | number)[]];

/** JSON from the script with every `{ b64 }` turned back into a Buffer. */
export type PythonValue =
  | null
  | boolean
  | number
  | string
  | Buffer
  | PythonValue[]
  | { [k: string]: PythonValue };

export type PythonResult = { ok: PythonValue } | { error: 'error_proto'; message: string };

/**
 * Runs one session with Python's standard `poplib` (see
 * `test/interop/python/pop3_session.py`) and returns one result per
 * operation. An `error_proto` is a result, not a rejection; anything else that
 * goes wrong in Python rejects with its stderr.
 */
export async function runPythonPoplib(port: number, ops: PythonOp[]): Promise<PythonResult[]> {
  const python = await pythonExecutable();
  return new Promise((resolve, reject) => {
    execFile(
      python,
      // -S: no site packages (poplib is stdlib), so start-up stays fast.
      ['-S', SCRIPT, String(port), JSON.stringify(ops)],
      { encoding: 'utf8', timeout: 10_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`python3 failed (${error.message}): ${stderr}`));
          return;
        }
        resolve((JSON.parse(stdout) as unknown[]).map((r) => decode(r) as PythonResult));
      },
    );
  });
}

let executable: Promise<string> | undefined;

/**
 * The interpreter behind `python3` (or `$PYTHON`), resolved once: a pyenv
 * shim costs over a second per start, the interpreter itself well under 0.1 s.
 */
export function pythonExecutable(): Promise<string> {
  executable ??= new Promise((resolve, reject) => {
    execFile(
      process.env.PYTHON ?? 'python3',
      ['-c', 'import sys; print(sys.executable)'],
      { encoding: 'utf8', timeout: 10_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    );
  });
  return executable;
}

function decode(value: unknown): PythonValue {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === 'b64' && typeof record.b64 === 'string') {
      return Buffer.from(record.b64, 'base64');
    }
    return Object.fromEntries(keys.map((k) => [k, decode(record[k])]));
  }
  return value as PythonValue;
}

/** The value of a successful result; throws with the error text otherwise. */
export function okValue(result: PythonResult | undefined): PythonValue {
  if (!result) throw new Error('no result');
  if ('error' in result) throw new Error(`poplib raised ${result.error}: ${result.message}`);
  return result.ok;
}

/** A `(resp, lines, octets)` tuple from retr/top/list/uidl. */
export function longResponse(result: PythonResult | undefined): {
  resp: Buffer;
  lines: Buffer[];
  octets: number;
} {
  const [resp, lines, octets] = okValue(result) as [Buffer, Buffer[], number];
  return { resp, lines, octets };
}
