// Every disconnect point, each with FIN and with RST:
// before the greeting, mid-command, mid-RETR of a large message, during the
// TLS handshake (STLS and implicit TLS), during a SASL exchange, while a
// reply is held by a hang fault (a client that leaves is gone, even while
// the server holds its reply), and between DELE and QUIT. After each: no
// error reached the host process, no deletion was applied (RFC 1939 §6, §8),
// the lock is released (a new login sees every message), and the session is
// recorded as ended by the client.
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { on, type Pop3Mock, startPop3Mock } from '../../../src';
import { bigMessage, FIVE_MB, OK, PASSWORD, sizeOf, THREE, USER } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { rawSocket, watchHost, whenClosed } from './support';

const watch = watchHost();
afterAll(() => watch.stop());

const MESSAGES = [...THREE, bigMessage(FIVE_MB, true)];
const TOTAL = MESSAGES.reduce<number>((sum, m) => sum + sizeOf(m), 0);
const b64 = (text: string) => Buffer.from(text).toString('base64');

type Drop = 'FIN' | 'RST';

/** FIN: the client closes its socket (after flushing what it wrote). RST: it aborts. */
function drop(socket: Socket, how: Drop): void {
  if (how === 'FIN') socket.end(() => socket.destroy());
  else socket.resetAndDestroy();
}

/** The first flight of a real TLS client (its ClientHello), captured from a plain listener. */
async function clientHello(): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const hello = new Promise<Buffer>((resolve) =>
    server.once('connection', (s) =>
      s.once('data', (chunk: Buffer) => {
        s.destroy();
        resolve(chunk);
      }),
    ),
  );
  const client = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false });
  client.on('error', () => {});
  const bytes = await hello;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return bytes;
}

/** Resolves with the socket's next chunk. */
function nextChunk(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => socket.once('data', resolve));
}

async function loggedIn(pop3: Pop3Mock): Promise<RawClient> {
  const client = await RawClient.login(pop3.port, USER, PASSWORD);
  expect(await client.command('DELE 1')).toMatch(OK);
  return client;
}

/** Ways to disconnect; each returns the client socket, already dropped. */
const POINTS: Record<string, (pop3: Pop3Mock, how: Drop) => Promise<Socket>> = {
  async 'before the greeting (greeting held)'(pop3, how) {
    await pop3.use(on('greeting').hang());
    const held = pop3.waitFor((e) => e.type === 'fault');
    const socket = await rawSocket(pop3.port);
    await held;
    drop(socket, how);
    return socket;
  },
  async 'mid-command (half a line)'(pop3, how) {
    const client = await loggedIn(pop3);
    client.write('DELE 2');
    drop(client.socket, how);
    return client.socket;
  },
  async 'mid-RETR of a 5 MB message'(pop3, how) {
    const client = await loggedIn(pop3);
    const first = nextChunk(client.socket);
    client.write(`RETR ${MESSAGES.length}\r\n`);
    await first;
    drop(client.socket, how);
    return client.socket;
  },
  async 'during the STLS handshake (half a ClientHello)'(pop3, how) {
    const hello = await clientHello();
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('STLS')).toMatch(OK);
    client.write(hello.subarray(0, hello.length >> 1));
    drop(client.socket, how);
    return client.socket;
  },
  async 'during the STLS handshake (after the ServerHello)'(pop3, how) {
    const hello = await clientHello();
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('STLS')).toMatch(OK);
    const serverHello = nextChunk(client.socket);
    client.write(hello);
    expect((await serverHello)[0]).toBe(0x16); // a TLS handshake record
    drop(client.socket, how);
    return client.socket;
  },
  async 'during the implicit-TLS handshake (half a ClientHello)'(pop3, how) {
    const hello = await clientHello();
    const started = pop3.nextSession();
    const socket = netConnect({ port: pop3.tlsPort!, host: '127.0.0.1' });
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    await started;
    socket.write(hello.subarray(0, hello.length >> 1));
    drop(socket, how);
    return socket;
  },
  async 'during a SASL exchange (LOGIN, after the user name)'(pop3, how) {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
    expect(await client.command(b64(USER))).toBe(`+ ${b64('Password:')}`);
    drop(client.socket, how);
    return client.socket;
  },
  async 'during a SASL exchange (CRAM-MD5, half a response)'(pop3, how) {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command('AUTH CRAM-MD5')).toMatch(/^\+ [A-Za-z0-9+/]+=*$/);
    client.write(b64(`${USER} 0123456789abcdef`).slice(0, 10));
    drop(client.socket, how);
    return client.socket;
  },
  async 'while RETR is held by a hang fault'(pop3, how) {
    await pop3.use(on('RETR').hang());
    const client = await loggedIn(pop3);
    const held = pop3.waitFor((e) => e.type === 'fault');
    client.write('RETR 2\r\n');
    await held;
    drop(client.socket, how);
    return client.socket;
  },
  async 'between DELE and QUIT'(pop3, how) {
    const client = await loggedIn(pop3);
    expect(await client.command('DELE 2')).toMatch(OK);
    expect(await client.command('STAT')).toMatch(/^\+OK 2 /);
    drop(client.socket, how);
    return client.socket;
  },
};

const cases = Object.keys(POINTS).flatMap((point) =>
  (['FIN', 'RST'] as const).map((how) => [point, how] as const),
);

test.each(cases)(
  'client disconnects %s (%s): nothing applied, lock released, session ended',
  async (point, how) => {
    const pop3 = await startPop3Mock({
      users: { [USER]: { password: PASSWORD, messages: MESSAGES } },
      tlsPort: 0,
    });
    try {
      const socket = await POINTS[point]!(pop3, how);
      await whenClosed(socket);

      const record = await pop3.sessionEnd(pop3.sessions[0], { timeoutMs: 1_500 });
      expect(record.ended).toBe(true);
      expect(record.endedAt).toBeInstanceOf(Date);
      expect(record.endReason).toBe('client-closed');
      expect(record.deleted).toEqual([]);

      const mailbox = pop3.mailbox(USER);
      expect(mailbox.messages()).toHaveLength(MESSAGES.length);
      expect(mailbox.deleted()).toEqual([]);
      expect(mailbox.lockedBy).toBeUndefined();

      // The lock is free and nothing was removed: a new session sees it all.
      for (const { rule } of pop3.rules()) pop3.removeRule(rule.id);
      const again = await RawClient.login(pop3.port, USER, PASSWORD);
      expect(await again.command('STAT')).toBe(`+OK ${MESSAGES.length} ${TOTAL}`);
      expect(await again.command('QUIT')).toMatch(OK);
      await again.closed();
    } finally {
      await pop3.close();
    }
    await watch.assertClean();
  },
);
