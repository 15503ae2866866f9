import { ExitCode } from '../exit-codes';
import { made } from '../schema/made';
import { configFile } from '../schema/options';
import { OPTION_FLAGS } from './option-flags';

const FLAG_COLUMN = 32;

/** The option flags' lines of `--help`, from the flag table. */
function optionFlagLines(): string {
  return OPTION_FLAGS.map(({ flag, short, value, help }) => {
    const name = `${short === undefined ? '    ' : `-${short}, `}--${flag}${value === undefined ? '' : ` ${value}`}`;
    const first = `  ${name}`.padEnd(FLAG_COLUMN);
    const lines = help.map((line, i) => (i === 0 ? first : ' '.repeat(FLAG_COLUMN)) + line);
    // A long flag pushes its text to the next line.
    if (first.length > FLAG_COLUMN) lines.splice(0, 1, `  ${name}`, ' '.repeat(FLAG_COLUMN) + help[0]);
    return lines.join('\n');
  }).join('\n');
}

/** The --config entry, naming every key the config file schema knows (in its order). */
function configFileLines(): string {
  const keys = Object.keys(made(configFile).shape).map((key) =>
    key === 'users' ? 'users {NAME: {password, messages, oauthToken}}' : key,
  );
  const words = [
    'JSON (.json) or CommonJS (.js, .cjs) config file:',
    ...keys.map((key, i) => `${key}${i === keys.length - 1 ? '.' : ','}`),
    ..."Relative fixture paths resolve against the file's folder. Flags override it.".split(' '),
  ];
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && FLAG_COLUMN + line.length + 1 + word.length > 92) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines
    .map((text, i) => (i === 0 ? '  -c, --config FILE'.padEnd(FLAG_COLUMN) : ' '.repeat(FLAG_COLUMN)) + text)
    .join('\n');
}

/** `--help` text. Kept next to the exit codes it documents. */
export const USAGE = `Usage: pop3-mock [options]

Starts a mock POP3 server and keeps it running until SIGINT (Ctrl-C), SIGTERM or
SIGHUP (its terminal closed).
When it listens it prints one JSON line to stdout:
  {"host":"127.0.0.1","port":40123,"tlsPort":null,"controlUrl":null,"controlToken":null,"smtpPort":null,
   "smtpTlsPort":null,"caFile":"/tmp/pop3-mock-cli-123-ca.pem","uiUrl":null}
caFile is the CA that signed the generated certificate: clients verify STLS,
POP3S, STARTTLS and SMTPS against it (curl --cacert FILE).
Everything else (logs, errors) goes to stderr. Passwords are never printed, but
for those of a config file marked "demo": true (its curl example shows one).

Options:
${configFileLines()}
  -u, --user NAME:PASSWORD[:PATH]
                                Adds a user (repeatable). PATH, relative to the working
                                folder: a folder of .eml files (natural name order: 2.eml
                                before 10.eml), an mbox file, a Maildir or one message
                                file. The password ends at the second ":" (use a config
                                file for passwords with ":").
${optionFlagLines()}
      --exit-on-stdin-close     Stop when standard input closes (hold the pipe open for as
                                long as the server should run).
      --outlive-parent          Keep serving after the parent process is gone (by default
                                the server stops within a second of its parent's end).
  -h, --help                    Shows this text.
      --version                 Prints the version.

Exit codes:
  ${ExitCode.ok}  stopped by SIGINT/SIGTERM/SIGHUP, or --help/--version
  ${ExitCode.unexpected}  unexpected error (including an address that cannot be bound, or a CA
     file the temp folder refuses)
  ${ExitCode.usage}  bad command line (unknown option, bad value, unknown dialect,
     a flag with a value, other than --user or --faults, given twice,
     TLS flags with nothing to serve TLS, one port for two listeners)
     or a bad POP3_MOCK_TOKEN environment variable
  ${ExitCode.portInUse}  the port asked for is in use
  ${ExitCode.badInput}  bad config file, fixture path, --faults file or --dialect file

Subcommand:
  pop3-mock capture --host H --port P --user U --password PW [--out FILE]
                                Learn a real server's dialect (pop3-mock capture --help;
                                docs/DIALECTS.md); replay it with --dialect ./FILE.json.

Examples:
  pop3-mock --user alice:secret:./fixtures/alice
  pop3-mock --config examples/pop3-mock.config.json --port 1110
`;
