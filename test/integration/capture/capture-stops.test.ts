import { on, startPop3Mock } from '../../../src';
import { CAPTURE_MESSAGES, CAPTURE_USER, CAPTURE_USERS, captureCli } from './capture-helpers';

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
