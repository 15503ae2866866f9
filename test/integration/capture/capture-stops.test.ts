import { type AddressInfo, createServer, type Socket } from 'node:net';
import { on, startPop3Mock } from '../../../src';
import {
  CAPTURE_MESSAGES,
  CAPTURE_PASSWORD,
  CAPTURE_USER,
  CAPTURE_USERS,
  captureCli,
} from './capture-helpers';

// A server that refuses the login for now stops the capture (exit 5) with its
// line and what to do (docs/DIALECTS.md, "Rate limits and locked accounts").

const capture = (port: number) => captureCli(['--port', String(port)]);

test('[IN-USE] at the first login: exit 5, the server line and what to do; nothing changed', async () => {
  const pop3 = await startPop3Mock({ users: CAPTURE_USERS, tls: false });
  try {
    await pop3.use(on('PASS').inUse('held by another POP3 session'));
    const { code, err } = await capture(pop3.port);
    expect(code).toBe(5);
    expect(err.at(-1)).toBe(
      'pop3-mock capture: stopped: login refused: -ERR [IN-USE] held by another POP3 session; another session holds the mailbox (a mail client polling it, or a capture interrupted a moment ago): stop it, wait for the server to release the lock, and run the capture again',
    );
    expect(pop3.mailbox(CAPTURE_USER).messages()).toHaveLength(CAPTURE_MESSAGES.length);
  } finally {
    await pop3.close();
  }
});

test('LOGIN-DELAY advertised and enforced: a warning at CAPA, then exit 5 at the second login', async () => {
  // The rfc preset enforces LOGIN-DELAY (RFC 2449 §6.5): a second login within 300 s is refused.
  const pop3 = await startPop3Mock({
    dialect: 'rfc',
    users: CAPTURE_USERS,
    tls: false,
    capabilities: { loginDelay: 300 },
  });
  try {
    const { code, err } = await capture(pop3.port);
    expect(code).toBe(5);
    expect(err).toContain(
      '  the server advertises LOGIN-DELAY 300: if it enforces it, the capture stops at the second login',
    );
    expect(err.at(-1)).toMatch(
      /^pop3-mock capture: stopped: login refused after 1 login: -ERR \[LOGIN-DELAY\] .*; the server refuses a login within LOGIN-DELAY 300 s of the last one, and the script logs in about 30 times: capture a test account or server without the delay$/,
    );
  } finally {
    await pop3.close();
  }
});

/** A TCP listener that greets as `greet` says (nothing by default) and answers only what `answers` gives. */
async function scripted(greet?: string, answers: Record<string, string> = {}) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (greet) socket.write(greet);
    socket.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('latin1').split('\r\n'))
        if (answers[line]) socket.write(answers[line]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('a TLS handshake the server never answers (POP3S, or after STLS +OK) ends the capture at --timeout-ms, exit 6', async () => {
  const silent = await scripted();
  const stls = await scripted('+OK hello\r\n', { CAPA: '+OK\r\nSTLS\r\n.\r\n', STLS: '+OK go ahead\r\n' });
  try {
    const timeout = ['--timeout-ms', '300', '--insecure'];
    // Both at once: each waits out its own timeout.
    const [implicit, afterStls] = await Promise.all([
      captureCli(['--port', String(silent.port), '--tls', ...timeout]),
      captureCli(['--port', String(stls.port), '--starttls', ...timeout]),
    ]);
    expect(implicit.code).toBe(6);
    expect(implicit.err.at(-1)).toMatch(
      /TLS handshake with 127\.0\.0\.1:\d+ failed: no TLS handshake within 300 ms \(--timeout-ms\)/,
    );
    expect(afterStls.code).toBe(6);
    expect(afterStls.err.at(-1)).toMatch(
      /TLS handshake with 127\.0\.0\.1:\d+ failed: no TLS handshake within 300 ms/,
    );
  } finally {
    await silent.close();
    await stls.close();
  }
});

// A silent PASS takes the login timeout (15 s, for servers that delay logins) to say the same; a close says it at once.
test('a server that closes at PASS without a reply: exit 5 saying the login was not answered, not that the credentials were refused', async () => {
  const pop3 = await startPop3Mock({ users: CAPTURE_USERS, tls: false });
  try {
    await pop3.use(on('PASS', CAPTURE_PASSWORD).close());
    const { code, err } = await captureCli(['--port', String(pop3.port), '--timeout-ms', '300']);
    expect(code).toBe(5);
    expect(err.at(-1)).toBe(
      'pop3-mock capture: stopped: the server closed the connection after PASS: the login was not answered, so the credentials were not judged',
    );
  } finally {
    await pop3.close();
  }
});

test('no reply in time to the USER of a login, or to STLS: exit 5 saying so, not a login or a refusal read from a late reply', async () => {
  // Two servers, so both captures wait out their timeout at once.
  const [late, hung] = await Promise.all([
    startPop3Mock({ users: CAPTURE_USERS }),
    startPop3Mock({ users: CAPTURE_USERS }),
  ]);
  try {
    const run = async (port: number, ...args: string[]) => {
      const { code, err } = await captureCli(['--port', String(port), '--timeout-ms', '300', ...args]);
      return { code, last: err.at(-1) };
    };
    // Before, PASS read USER's late +OK as its own and STAT the PASS's: "STAT did not answer".
    await late.use(on('USER', CAPTURE_USER).delay(600));
    // Before: "STLS refused: silent".
    await hung.use(on('STLS').hang());
    const [user, stls] = await Promise.all([run(late.port), run(hung.port, '--starttls', '--insecure')]);
    expect(user).toEqual({
      code: 5,
      last: 'pop3-mock capture: stopped: no reply to USER within the timeout (--timeout-ms): the login was not tried',
    });
    expect(stls).toEqual({
      code: 5,
      last: 'pop3-mock capture: stopped: no reply to STLS within the timeout (--timeout-ms): TLS was not started, and --starttls sends nothing before it',
    });
  } finally {
    await Promise.all([late.close(), hung.close()]);
  }
});
