import { execFile } from 'node:child_process';
import { on, type Pop3Mock } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { runCurl } from '../../helpers/clients/curl';
import { failOnHostErrors } from '../../helpers/host-errors';
import {
  aliceOptions,
  caFile,
  PASSWORD,
  pyOk,
  runPython,
  USER,
  warmPython,
  withMock,
} from '../extensions/helpers';

// The STLS faults (docs/FAULTS.md) against real clients, and what the record
// and the TLS matchers say each client did. curl and Python against
// failHandshake() are in faults/framing.test.ts and recipes.test.ts.

installPop3Matchers();
beforeAll(warmPython);
failOnHostErrors();

const MESSAGE = 'Subject: hi\r\n\r\nbody\r\n';

/**
 * npm poplib 0.1.7, the one npm client here with STLS: its stls() calls
 * crypto.createCredentials, gone from Node, and throws in its socket's data
 * callback once the +OK is in. A process that survives the throw (a global
 * handler, as a long-running importer has) keeps the connection open and
 * sends nothing more: a client that stalls after the +OK.
 */
const POPLIB_STLS = `
process.on('uncaughtException', (error) => console.log('threw: ' + error.message));
const client = new (require(process.argv[1]))(Number(process.argv[2]), '127.0.0.1');
client.on('connect', () => client.stls());
client.on('stls', (ok) => console.log('stls: ' + ok));
client.on('close', () => process.exit(0));
`;

function poplibStls(port: number): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['-e', POPLIB_STLS, require.resolve('poplib'), String(port)],
      { encoding: 'utf8', timeout: 10_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve(stdout.trim()),
    ),
  );
}

test('npm poplib stls() throws after the +OK and stalls: logged out under failHandshake as without it, and recorded alike', async () => {
  await withMock(aliceOptions([MESSAGE], { autologoutMs: 200 }), async (pop3) => {
    const stalls = async () => {
      expect(await poplibStls(pop3.port)).toMatch(/^threw: .*createCredentials is not a function$/);
      const session = await pop3.sessionEnd();
      return { endReason: session.endReason, cause: session.tlsFailure?.cause, commands: session.commands() };
    };
    const without = await stalls();
    expect(without).toEqual({ endReason: 'autologout', cause: 'server-ended', commands: ['STLS'] });
    await pop3.use(on('STLS').failHandshake());
    expect(await stalls()).toEqual(without);
    expect(pop3.sessions.map((s) => s.faults.length)).toEqual([0, 1]);
    expect(pop3).toHaveTlsFailure({ cause: 'server-ended', sessionId: 2 });
    expect(pop3).not.toHaveRefusedTls();
  });
});

/** A curl --ssl-reqd fetch of message 1, verifying against the mock's CA. */
async function curlStls(pop3: Pop3Mock): Promise<{ code: number; stderr: string }> {
  const ca = await caFile(pop3);
  try {
    const result = await runCurl([
      `${pop3.url}/1`,
      '--ssl-reqd',
      '--cacert',
      ca.path,
      '-u',
      `${USER}:${PASSWORD}`,
    ]);
    return { code: result.code, stderr: result.stderr.toString() };
  } finally {
    await ca.remove();
  }
}

test('injectAfterReply on STLS: curl --ssl-reqd gives up before its handshake (exit 8), recorded as no handshake, no refusal', async () => {
  await withMock(aliceOptions([MESSAGE]), async (pop3) => {
    await pop3.use(on('STLS').injectAfterReply('+OK injected', '-ERR injected'));
    // curl sees lines after "+OK Begin TLS" (a STARTTLS injection) and closes without a ClientHello.
    expect(await curlStls(pop3)).toEqual({ code: 8, stderr: 'curl: (8) Weird server reply\n' });
    const session = await pop3.sessionEnd();
    expect(session.commands()).toEqual(['CAPA', 'STLS']);
    expect(session.endReason).toBe('client-closed');
    expect(session.tlsFailure).toMatchObject({ mode: 'stls', cause: 'no-handshake', refused: false });
    expect(pop3).toHaveTlsFailure({ cause: 'no-handshake' });
    expect(pop3).not.toHaveRefusedTls();
    expect(pop3).not.toHaveReceivedCommand('USER *');
  });
});

test('injectAfterReply on STLS: Python stls() discards the injected lines and logs in over TLS', async () => {
  await withMock(aliceOptions([MESSAGE]), async (pop3) => {
    await pop3.use(on('STLS').injectAfterReply('+OK injected', '-ERR injected'));
    const ca = await caFile(pop3);
    try {
      const py = await runPython('plain', pop3.port, ca.path, [
        ['stls'],
        ['user', USER],
        ['pass_', PASSWORD],
        ['stat'],
      ]);
      expect(py.map((r) => 'ok' in r)).toEqual([true, true, true, true]);
      expect(pyOk(py[3])).toEqual([1, Buffer.byteLength(MESSAGE)]);
    } finally {
      await ca.remove();
    }
    const session = await pop3.sessionEnd();
    expect([session.tls, session.user, session.tlsFailure]).toEqual(['stls', USER, undefined]);
    expect(pop3).not.toHaveTlsFailure();
  });
});
