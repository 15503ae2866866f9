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
/** The good flags with `flag` given `value` instead (a flag given twice is refused for itself). */
const withValue = (flag: string, value: string) => [...without(flag), flag, value];

test.each<[string[], string]>([
  [
    ['--host', 'h'],
    '--port: expected a port: an integer from 1 to 65535, got nothing; --user: expected a user name: not empty, no spaces, got nothing; --password: expected a password (one line, not empty), got nothing',
  ],
  [without('--host'), '--host: expected a host name or an IP address, got nothing'],
  [withValue('--host', 'pop example'), '--host: expected a host name or an IP address, got "pop example"'],
  [withValue('--host', 'pop/x'), '--host: expected a host name or an IP address, got "pop/x"'],
  [withValue('--port', '0'), '--port: expected an integer from 1 to 65535, got 0'],
  [withValue('--port', '65536'), '--port: expected an integer from 1 to 65535, got 65536'],
  [withValue('--port', '99a'), '--port: expected a port: an integer from 1 to 65535, got "99a"'],
  [withValue('--port', '0x1f'), '--port: expected a port: an integer from 1 to 65535, got "0x1f"'],
  [[...good, '--timeout-ms', '5'], '--timeout-ms: expected an integer from 100 to 600000, got 5'],
  [[...good, '--timeout-ms', 'soon'], '--timeout-ms: expected an integer from 100 to 600000, got "soon"'],
  [withValue('--user', 'a b'), '--user: expected a user name: not empty, no spaces, got "a b"'],
  // The password is never echoed.
  [
    withValue('--password', ''),
    '--password: expected a password (one line, not empty), got a string (not shown)',
  ],
  [[...good, '--name', ''], '--name: expected a name of 1 to 100 printable characters, got ""'],
  [[...good, '--ca', ''], '--ca: expected a non-empty string, got ""'],
  [[...good, '--out', ''], '--out: expected a non-empty string, got ""'],
  [
    [...good, '--tls', '--starttls'],
    '--starttls: cannot be given with --tls (implicit TLS already starts in TLS)',
  ],
  // Certificate flags without TLS were taken and ignored: the capture logged in in cleartext.
  [
    [...good, '--ca', 'ca.pem'],
    '--ca: needs --tls or --starttls (without them the capture speaks cleartext and checks no certificate)',
  ],
  [
    [...good, '--insecure'],
    '--insecure: needs --tls or --starttls (without them the capture speaks cleartext and checks no certificate)',
  ],
  [
    [...good, '--tls', '--ca', 'ca.pem', '--insecure'],
    '--insecure: cannot be given with --ca (--insecure checks no certificate, so the CA would be ignored)',
  ],
  [[...good, '--tsl'], 'unknown option --tsl'],
  [[...good, '--tls=yes'], "Option '--tls' does not take an argument"],
  [[...good, 'extra'], 'unexpected argument "extra"'],
  [[...good, '--port', '110'], '--port given twice (995 and 110): give it once'],
  [[...good, '--out', 'a.json', '--out', 'b.json'], '--out given twice (a.json and b.json): give it once'],
  // A password's values are never echoed.
  [[...good, '--password', 'other'], '--password given twice (values not shown): give it once'],
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

test('an --out that cannot be written is refused before anything connects: exit 4, the file and why', async () => {
  // The host cannot resolve: had the capture connected first, it would have said so instead.
  const args = ['capture', ...withValue('--host', 'unreachable.invalid')];
  expect(await runMain([...args, '--out', '/no-such-folder/x.json'], '/')).toEqual({
    code: 4,
    stdout: '',
    stderr:
      'pop3-mock capture: cannot write --out /no-such-folder/x.json: its folder /no-such-folder: not found',
  });
  expect(await runMain([...args, '--out', '/tmp'], '/')).toEqual({
    code: 4,
    stdout: '',
    stderr: 'pop3-mock capture: cannot write --out /tmp: it is a folder',
  });
});
