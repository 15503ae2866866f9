import { ExitCode } from './errors';

/** `--help` text. Kept next to the exit codes it documents. */
export const USAGE = `Usage: pop3-mock [options]

Starts a mock POP3 server and keeps it running until SIGINT (Ctrl-C) or SIGTERM.
When it listens it prints one JSON line to stdout:
  {"host":"127.0.0.1","port":40123,"tlsPort":null,"controlUrl":null,"controlToken":null,"smtpPort":null,
   "smtpTlsPort":null,"caFile":"/tmp/pop3-mock-123-ca.pem","uiUrl":null}
caFile is the CA that signed the generated certificate: clients verify STLS,
POP3S, STARTTLS and SMTPS against it (curl --cacert FILE).
Everything else (logs, errors) goes to stderr. Passwords are never printed.

Options:
  -c, --config FILE             JSON (.json) or CommonJS (.js, .cjs) config file: host, port,
                                portFallback, users {NAME: {password, messages, oauthToken}},
                                lock, autologoutMs, capabilities, dialect, tlsPort,
                                controlPort, smtpPort, smtpTlsPort, smtpAuth,
                                smtpTraceHeaders, smtpCreateUsers, smtpMaxSize, apop,
                                requireTls, faults, seed, maxSessions,
                                tls {certificate, minVersion, maxVersion}. Relative fixture paths
                                resolve against the file's folder. Flags override it.
  -u, --user NAME:PASSWORD[:PATH]
                                Adds a user (repeatable). PATH, relative to the working
                                folder: a folder of .eml files (name order), an mbox file,
                                a Maildir or one message file. The password ends at the
                                second ":" (use a config file for passwords with ":").
      --host HOST               Address to bind (default 127.0.0.1).
  -p, --port N                  Exactly this port; a taken port is an error (default 0:
                                any free port, read it from the JSON line).
      --tls-port N              Also serve implicit TLS (POP3S) on port N (0: any free port).
      --tls-certificate MODE    The certificate for STLS and POP3S: valid (default), expired,
                                not-yet-valid, wrong-host, self-signed or untrusted-ca, to
                                check that a client refuses it (see docs/TLS.md).
      --control-port N          Serve the HTTP control API on port N (0: any free port); its
                                bearer token is in the JSON line, or set it with the
                                POP3_MOCK_TOKEN environment variable.
      --smtp-port N             Serve SMTP (with STARTTLS) on port N (0: any free port),
                                delivering into the mailboxes by recipient (docs/SMTP.md).
      --smtp-tls-port N         Also serve SMTP over implicit TLS (SMTPS) on port N.
      --smtp-auth MODE          SMTP AUTH PLAIN/LOGIN with the POP3 passwords: off,
                                optional (default) or required.
      --dialect NAME            Server personality: rfc (default), dovecot, gmail,
                                greenmail or rfc1939-minimal (see docs/DIALECTS.md).
  -h, --help                    Shows this text.
      --version                 Prints the version.

Exit codes:
  ${ExitCode.ok}  stopped by SIGINT/SIGTERM, or --help/--version
  ${ExitCode.unexpected}  unexpected error (including an address that cannot be bound)
  ${ExitCode.usage}  bad command line (unknown option, bad value, unknown dialect)
  ${ExitCode.portInUse}  the port asked for is in use
  ${ExitCode.badInput}  bad config file or fixture path

Examples:
  pop3-mock --user alice:secret:./fixtures/alice
  pop3-mock --config examples/pop3-mock.config.json --port 1110
`;

/** The package version, inlined by the bundler from package.json. */
export function packageVersion(): string {
  // A literal require: tsup/esbuild inline the JSON, so dist/cli.js does not look for it at run time.
  const pkg = require('../../package.json') as { version: string };
  return pkg.version;
}
