import { type Capture, type CaptureOptions, captureDialect } from '../../../src/capture/capture-dialect';
import type { Exchange } from '../../../src/capture/probe-session';
import { main } from '../../../src/cli/main';
import { type DovecotExtras, type DovecotServer, startDovecot } from '../../helpers/dovecot';
import { type FakeStyle, startFakeServer } from './fake-server';

/** Three small messages, LF line ends (Dovecot's Maildir and the mock agree on their CRLF sizes). */
export const CAPTURE_MESSAGES = [
  'From: a@example.com\nTo: alice@example.com\nSubject: one\n\nHello one\n',
  'From: b@example.com\nTo: alice@example.com\nSubject: two\n\nHello two\n.dotted line\n',
  'From: c@example.com\nTo: alice@example.com\nSubject: three\n\nLine 1\n\nLine 3\n.\nLine 5\n',
];
export const CAPTURE_USER = 'alice';
export const CAPTURE_PASSWORD = 'secret';
/** The mock's `users` option: {@link CAPTURE_USER} holding {@link CAPTURE_MESSAGES}. */
export const CAPTURE_USERS = { [CAPTURE_USER]: { password: CAPTURE_PASSWORD, messages: CAPTURE_MESSAGES } };

/** A live Dovecot whose one user is the mock's {@link CAPTURE_USERS}. */
export function startCaptureDovecot(extras: DovecotExtras = {}): Promise<DovecotServer> {
  return startDovecot(CAPTURE_USER, CAPTURE_PASSWORD, CAPTURE_MESSAGES, extras);
}

/** Captures the server on 127.0.0.1:`port` as alice. */
export function captureAt(port: number, extra: Partial<CaptureOptions> = {}): Promise<Capture> {
  return captureDialect({
    host: '127.0.0.1',
    port,
    tls: false,
    starttls: false,
    tlsOptions: {},
    timeoutMs: 5000,
    user: CAPTURE_USER,
    password: CAPTURE_PASSWORD,
    ...extra,
  });
}

/** Captures a scripted server of `style` (fake-server.ts), then closes it. */
export async function captureFake(style: FakeStyle = {}, timeoutMs = 2000): Promise<Capture> {
  const fake = await startFakeServer(style);
  try {
    return await captureAt(fake.port, { timeoutMs });
  } finally {
    await fake.close();
  }
}

/** A transcript with what may differ between two servers of one dialect made equal: UIDs and timestamps. */
export function comparable(transcript: readonly Exchange[]): string[] {
  return transcript.map((e) => {
    const uidl = /^UIDL/i.test(e.sent);
    const reply = e.reply.map((line, i) =>
      line
        .replace(/<[^<>\s@]+@[^<>\s]+>/g, '<timestamp>')
        .replace(uidl && i > 0 ? /^(\d+) \S+$/ : /$^/, '$1 <uid>')
        .replace(uidl && i === 0 ? /^(\+OK \d+) \S+$/ : /$^/, '$1 <uid>'),
    );
    return `${e.state} ${e.sent} => ${reply.join(' | ')}`;
  });
}

/** `pop3-mock capture --host 127.0.0.1 --user alice --password secret ARGS` through main(), in `cwd`. */
export async function captureCli(args: readonly string[], cwd = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const base = ['capture', '--host', '127.0.0.1', '--user', CAPTURE_USER, '--password', CAPTURE_PASSWORD];
  const code = await main([...base, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, cwd);
  return { code, out: out.join('\n'), err };
}
