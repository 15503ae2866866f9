import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Pop3Command from 'node-pop3' with { 'resolution-mode': 'import' };
import type { Pop3Mock, Pop3MockOptions } from '../../../src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';
import { RawClient, type RawClientOptions } from '../../helpers/raw-client';
import { PASSWORD, USER } from '../../helpers/with-mock';

export { RawClient } from '../../helpers/raw-client';
export { PASSWORD, USER, withMock } from '../../helpers/with-mock';

// node-pop3's types describe its ESM build; at run time its CommonJS build is required.
const Pop3CommandClass = require('node-pop3') as typeof Pop3Command;

/** A node-pop3 client for implicit TLS that trusts only `ca` (verification on). */
export function nodePop3Tls(port: number, ca: string, user = USER, password = PASSWORD): Pop3Command {
  return new Pop3CommandClass({
    host: '127.0.0.1',
    port,
    tls: true,
    tlsOptions: { ca, rejectUnauthorized: true },
    servername: 'localhost',
    user,
    password,
    timeout: 5000,
  });
}

// Helpers of the extension tests (APOP, SASL, STLS, POP3S, UTF8/LANG, CAPA;
// docs/CONFORMANCE-3.md). Expected values (digests, base64, capability lines) are computed here
// from the inputs, independently of the server's code.

export const TOKEN = 'ya29.alice-token';

/** Options with one user `alice`/`secret` (OAuth token {@link TOKEN}) holding `messages`. */
export function aliceOptions(
  messages: (string | Buffer)[] = [],
  extra: Pop3MockOptions = {},
): Pop3MockOptions {
  return { users: { [USER]: { password: PASSWORD, messages, oauthToken: TOKEN } }, ...extra };
}

export const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
export const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');
export const md5hex = (text: string): string => createHash('md5').update(text).digest('hex');
export const hmacMd5hex = (key: string, text: string): string =>
  createHmac('md5', key).update(text).digest('hex');

/** Extension tests read replies as UTF-8 text (UTF8 mode, LANG): `RawClient.connect(port, utf8Lines)`. */
export const utf8Lines: RawClientOptions = { encoding: 'utf8' };

/** The CAPA list (lines between `+OK` and `.`); fails the test on `-ERR`. */
export async function capa(client: RawClient): Promise<string[]> {
  const reply = await client.multi('CAPA');
  expect(reply.status).toMatch(/^\+OK/);
  return reply.lines;
}

/** Logs in with USER/PASS and checks the `+OK`s. */
export async function userPass(client: RawClient, user = USER, password = PASSWORD): Promise<void> {
  expect(await client.command(`USER ${user}`)).toMatch(/^\+OK/);
  expect(await client.command(`PASS ${password}`)).toMatch(/^\+OK/);
}

/** Connects in cleartext, sends STLS and runs the handshake; returns the client in TLS. */
export async function connectStls(pop3: Pop3Mock): Promise<RawClient> {
  const client = await RawClient.connect(pop3.port, utf8Lines);
  expect(await client.command('STLS')).toMatch(/^\+OK/);
  await client.upgradeToTls(pop3.tls.ca);
  return client;
}

/** Writes the server's CA to a temporary file (for `curl --cacert` and Python's `cafile`). */
export async function caFile(pop3: Pop3Mock): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-ext-'));
  const path = join(dir, 'ca.pem');
  await writeFile(path, pop3.tls.ca);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

// Python's standard poplib, driven by a script kept here so it can use
// stls(), apop(), utf8() and POP3_SSL with a verifying SSL context.
const PYTHON = `
import base64, json, poplib, ssl, sys

mode, port, cafile, ops = sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])

def context():
    ctx = ssl.create_default_context(cafile=cafile or None)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    return ctx

def encode(value):
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value

def main():
    results = []
    try:
        if mode == "ssl":
            client = poplib.POP3_SSL("127.0.0.1", port, timeout=5, context=context())
        else:
            client = poplib.POP3("127.0.0.1", port, timeout=5)
    except (OSError, ssl.SSLError) as error:
        print(json.dumps([{"error": type(error).__name__, "message": str(error)}]))
        return
    for name, *args in ops:
        try:
            if name == "stls":
                value = client.stls(context=context())
            elif name == "tls_version":
                value = client.sock.version()
            elif name == "quit_close_notify":
                # QUIT, then read to EOF with ragged EOFs reported: a server
                # that closes TCP without a TLS close_notify raises SSLEOFError.
                value = client._shortcmd("QUIT")
                client.sock.suppress_ragged_eofs = False
                rest = client.file.read()
                value = [value, rest]
            else:
                value = getattr(client, name)(*args)
            results.append({"ok": encode(value)})
        except poplib.error_proto as error:
            message = error.args[0] if error.args else ""
            if isinstance(message, bytes):
                message = message.decode("utf-8", "replace")
            results.append({"error": "error_proto", "message": message})
        except (OSError, ssl.SSLError) as error:
            results.append({"error": type(error).__name__, "message": str(error)})
            break
    try:
        client.close()
    except Exception:
        pass
    print(json.dumps(results))

main()
`;

export type PyResult = { ok: unknown } | { error: string; message: string };

/**
 * Runs one poplib session (`mode` `plain` = POP3, `ssl` = POP3_SSL) with the
 * given operations, e.g. `[['stls'], ['user', 'alice'], ['pass_', 'secret']]`.
 * Bytes come back as Buffers.
 */
export async function runPython(
  mode: 'plain' | 'ssl',
  port: number,
  cafile: string,
  ops: (string | number)[][],
): Promise<PyResult[]> {
  const python = await pythonExecutable();
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ['-S', '-c', PYTHON, mode, String(port), cafile, JSON.stringify(ops)],
      { encoding: 'utf8', timeout: 10_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`python3 failed (${error.message}): ${stderr}`));
        resolve((JSON.parse(stdout) as unknown[]).map((r) => decode(r) as PyResult));
      },
    );
  });
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === 'b64') return Buffer.from(record.b64 as string, 'base64');
    return Object.fromEntries(keys.map((k) => [k, decode(record[k])]));
  }
  return value;
}

/** The value of a successful Python operation; throws with the error otherwise. */
export function pyOk(result: PyResult | undefined): unknown {
  if (!result) throw new Error('no result');
  if ('error' in result) throw new Error(`python: ${result.error}: ${result.message}`);
  return result.ok;
}

/** Text of a bytes value from Python. */
export const pyText = (value: unknown): string => (value as Buffer).toString('utf8');

/**
 * A TCP relay in front of `port` that records every octet the server sends,
 * so a test can see what went over the wire before and during a handshake.
 */
export async function recordingRelay(port: number): Promise<{
  port: number;
  fromServer: () => Buffer;
  /** Writes raw octets to the server, into the relayed stream (e.g. to corrupt a TLS session). */
  toServer: (bytes: Buffer) => void;
  /** Resolves with the next chunk the server sends. */
  nextFromServer: () => Promise<Buffer>;
  /** Resolves when the server ends (FIN) or closes its side of the last relayed connection. */
  serverEnded: () => Promise<void>;
  close: () => Promise<void>;
}> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let last: Socket | undefined;
  let waiters: ((chunk: Buffer) => void)[] = [];
  let ended: Promise<void> = Promise.resolve();
  const relay = createNetServer((inbound) => {
    const outbound = netConnect({ port, host: '127.0.0.1' });
    last = outbound;
    ended = new Promise((resolve) => {
      outbound.once('end', resolve);
      outbound.once('close', resolve);
    });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    outbound.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      inbound.write(chunk);
      const woken = waiters;
      waiters = [];
      for (const w of woken) w(chunk);
    });
    inbound.pipe(outbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as { port: number }).port,
    fromServer: () => Buffer.concat(chunks),
    toServer: (bytes) => last?.write(bytes),
    nextFromServer: () => new Promise((resolve) => waiters.push(resolve)),
    serverEnded: () => ended,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}

/** Resolves the Python interpreter once per file (a pyenv shim costs about a second), outside any test. */
export const warmPython = (): Promise<unknown> => pythonExecutable();
