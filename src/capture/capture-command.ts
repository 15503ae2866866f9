import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { captureDialect } from './capture-dialect';
import { CaptureStopped } from './probe-session';

/** Where the subcommand writes: the file to stdout (without --out), progress to stderr. */
export interface CaptureIo {
  out(text: string): void;
  err(line: string): void;
}

export const CAPTURE_USAGE = `Usage: pop3-mock capture --host H --port P [--tls | --starttls] [--ca FILE] [--insecure]
                         --user U --password PW [--out FILE] [--name NAME] [--keep-host]

Probes a real POP3 server with a fixed script (docs/DIALECTS.md, "Capture your own")
and writes a dialect file (JSON) to --out or stdout; replay it with --dialect FILE.
Nothing is deleted: every DELE is undone with RSET. No password, message content
or (without --keep-host) host name is written. Progress goes to stderr.
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  tls: { type: 'boolean' },
  starttls: { type: 'boolean' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  user: { type: 'string' },
  password: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  'keep-host': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `pop3-mock capture ...`: resolves with the exit code (0 written, 2 usage, 5 the capture stopped). */
export async function runCaptureCommand(
  argv: readonly string[],
  io: CaptureIo,
  cwd: string,
): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (error) {
    io.err(
      `pop3-mock capture: ${error instanceof Error ? (error.message.split('. ')[0] ?? '') : String(error)}`,
    );
    return 2;
  }
  if (values.help) {
    io.out(CAPTURE_USAGE);
    return 0;
  }
  const missing = (['host', 'port', 'user', 'password'] as const).filter((k) => !values[k]);
  const port = Number(values.port);
  const problem =
    missing.length > 0
      ? `missing ${missing.map((k) => `--${k}`).join(', ')}`
      : !/^\d{1,5}$/.test(values.port ?? '') || port < 1 || port > 65535
        ? '--port needs a port number from 1 to 65535'
        : values.tls && values.starttls
          ? '--tls and --starttls exclude each other'
          : undefined;
  if (problem !== undefined) {
    io.err(`pop3-mock capture: ${problem}`);
    io.err('Run pop3-mock capture --help for usage.');
    return 2;
  }
  const host = values.host ?? '';
  try {
    const ca = values.ca === undefined ? undefined : readFileSync(resolve(cwd, values.ca));
    io.err(`pop3-mock capture: probing ${host}:${port}`);
    const { file } = await captureDialect({
      host,
      port,
      tls: values.tls ?? false,
      starttls: values.starttls ?? false,
      tlsOptions: { ...(ca && { ca }), rejectUnauthorized: !values.insecure, servername: host },
      timeoutMs: Number(values['timeout-ms'] ?? 10_000),
      user: values.user ?? '',
      password: values.password ?? '',
      ...(values.name !== undefined && { name: values.name }),
      keepHost: values['keep-host'] ?? false,
      log: io.err,
    });
    const json = `${JSON.stringify(file, null, 2)}\n`;
    if (values.out === undefined) io.out(json);
    else writeFileSync(resolve(cwd, values.out), json);
    io.err(
      `pop3-mock capture: done, extends ${file.extends}${values.out ? `, written to ${values.out}` : ''}`,
    );
    for (const line of file.notLearned ?? []) io.err(`  not learned: ${line}`);
    return 0;
  } catch (error) {
    const what = error instanceof CaptureStopped ? 'stopped' : 'failed';
    io.err(`pop3-mock capture: ${what}: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof CaptureStopped ? 5 : 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}
