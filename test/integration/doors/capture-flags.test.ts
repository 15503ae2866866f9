// The `pop3-mock capture` door: its flags are checked by one schema
// (src/schema/capture-flags.ts) before anything connects. A refusal is one
// line naming each bad flag and what was expected, then the --help hint,
// exit 2, the same words as the `pop3-mock` flags (cli.test.ts).
import { runMain } from './support';

const good = ['--host', 'pop.example.test', '--port', '995', '--user', 'alice', '--password', 'secret'];
const without = (flag: string) => {
  const at = good.indexOf(flag);
  return [...good.slice(0, at), ...good.slice(at + 2)];
};

test.each<[string[], string]>([
  [
    ['--host', 'h'],
    '--port: expected a port: an integer from 1 to 65535, got nothing; --user: expected a user name: not empty, no spaces, got nothing; --password: expected a password (one line, not empty), got nothing',
  ],
  [without('--host'), '--host: expected a host name or an IP address, got nothing'],
  [[...good, '--host', 'pop example'], '--host: expected a host name or an IP address, got "pop example"'],
  [[...good, '--host', 'pop/x'], '--host: expected a host name or an IP address, got "pop/x"'],
  [[...good, '--port', '0'], '--port: expected an integer from 1 to 65535, got 0'],
  [[...good, '--port', '65536'], '--port: expected an integer from 1 to 65535, got 65536'],
  [[...good, '--port', '99a'], '--port: expected a port: an integer from 1 to 65535, got "99a"'],
  [[...good, '--port', '0x1f'], '--port: expected a port: an integer from 1 to 65535, got "0x1f"'],
  [[...good, '--timeout-ms', '5'], '--timeout-ms: expected an integer from 100 to 600000, got 5'],
  [[...good, '--timeout-ms', 'soon'], '--timeout-ms: expected an integer from 100 to 600000, got "soon"'],
  [[...good, '--user', 'a b'], '--user: expected a user name: not empty, no spaces, got "a b"'],
  // The password is never echoed.
  [
    [...good, '--password', ''],
    '--password: expected a password (one line, not empty), got a string (not shown)',
  ],
  [[...good, '--name', ''], '--name: expected a name of 1 to 100 printable characters, got ""'],
  [[...good, '--ca', ''], '--ca: expected a non-empty string, got ""'],
  [[...good, '--out', ''], '--out: expected a non-empty string, got ""'],
  [
    [...good, '--tls', '--starttls'],
    '--starttls: cannot be given with --tls (implicit TLS already starts in TLS)',
  ],
  [[...good, '--tsl'], 'unknown option --tsl'],
  [[...good, '--tls=yes'], "Option '--tls' does not take an argument"],
  [[...good, 'extra'], 'unexpected argument "extra"'],
])('capture %j: exit 2 with one line and the --help hint', async (args, message) => {
  expect(await runMain(['capture', ...args], '/')).toEqual({
    code: 2,
    stdout: '',
    stderr: `pop3-mock capture: ${message}\nRun pop3-mock capture --help for usage.`,
  });
});

test('capture --help prints the usage, with no other flag needed', async () => {
  const { code, stdout, stderr } = await runMain(['capture', '--help'], '/');
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/^Usage: pop3-mock capture --host H --port P /);
});
