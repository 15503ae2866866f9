import { createServer, type Server, type Socket } from 'node:net';

type ByState<T> = { readonly A: T; readonly T: T };

/** How the scripted server differs from a plain RFC 1939 one: server styles no preset has. */
export interface FakeStyle {
  /** The bad command that ends the session, before and after login. */
  readonly badLimit?: ByState<number>;
  /** The last bad command gets only the limit line (not its own -ERR, then the limit line). */
  readonly badReplace?: boolean;
  /** At the bad-command limit: close without a line. */
  readonly badSilent?: boolean;
  /** The longest line (CRLF included) taken, before and after login. */
  readonly maxLine?: ByState<number>;
  /** Close after an over-long line, before and after login. */
  readonly longClose?: ByState<boolean>;
  /** Close after an over-long line without a reply. */
  readonly longSilent?: boolean;
  /**
   * An over-long line is answered this many ms late (a server slower than the
   * capture waits), and lines after it wait for that answer, as a server that
   * reads one line at a time answers them.
   */
  readonly longLateMs?: number;
  /** After answering an over-long line, the server answers nothing more in that session (it hangs). */
  readonly hangAfterLong?: boolean;
  /** Replies that come late (a server slower than the capture waits), each as {@link LateReply} says. */
  readonly late?: readonly LateReply[];
  /** The unknown-command reply echoes the whole line. */
  readonly echoLine?: boolean;
  /** Extra CAPA lines. */
  readonly capaExtra?: readonly string[];
  /** The reply text for `LIST 0` (default: the one for every number past the count). */
  readonly listZero?: string;
  /** TOP is an unknown command. */
  readonly noTop?: boolean;
  /** CAPA after login is an unknown command. */
  readonly noCapaAfterLogin?: boolean;
  /** The greeting's text. */
  readonly greeting?: string;
  /** USER greets everyone but alice by name (`+OK hello bob, send PASS`); alice gets `+OK send PASS`. */
  readonly userByName?: boolean;
  /** TOP takes any line count, as C's atoi() reads one (`TOP 1 lots` is `TOP 1 0`: +OK and the headers). */
  readonly topAtoi?: boolean;
  /** Lines never answered: the server hangs on them (a reply slower than the capture waits). */
  readonly silentOn?: readonly string[];
  /** Lines the server closes the connection on, without a reply. */
  readonly closeOn?: readonly string[];
  /** A PASS with a wrong password (not a bare PASS) after USER of this name: the server closes without a reply. */
  readonly closeOnWrongPassOf?: string;
  /** The text of a failed PASS (default `bad login`). */
  readonly passFailed?: string;
  /** Message numbers go on after DELE (not RFC 1939): `n` is the n-th message not marked deleted. */
  readonly renumber?: boolean;
}

/**
 * A reply to `line` whose first `atOnce` lines (default none) go out at once and
 * the rest `ms` later; the lines after it wait, as with `longLateMs`. Only the
 * `nth` time the server (all sessions) is sent `line`, or, with `afterBad`, when it
 * follows that many bad commands in a row; else every time.
 */
export interface LateReply {
  readonly line: string;
  readonly ms: number;
  readonly atOnce?: number;
  readonly nth?: number;
  readonly afterBad?: number;
}

const MESSAGES = [
  'From: a@example.com\r\nSubject: one\r\n\r\nHello one\r\n',
  'From: b@example.com\r\nSubject: two\r\n\r\nHello two\r\n',
];

/**
 * A small scripted POP3 server (user alice, password secret, two messages),
 * for capture targets whose style the mock's presets lack. Its texts are
 * fixed: "unknown command", "no such message", "line too long", "too many
 * errors, bye".
 */
export async function startFakeServer(
  style: FakeStyle = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const badLimit = style.badLimit ?? { A: 5, T: 10 };
  const maxLine = style.maxLine ?? { A: 600, T: 1200 };
  const longClose = style.longClose ?? { A: true, T: true };
  const sockets = new Set<Socket>();
  // How often the server was sent each line, for LateReply.nth.
  const seen = new Map<string, number>();
  // noDelay, as the mock's own server: a reply written in pieces would otherwise wait for
  // the client's delayed ACK (Nagle), about 40 ms a time, over a second per capture.
  const server: Server = createServer({ noDelay: true }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let state: 'A' | 'T' = 'A';
    let user: string | undefined;
    let bad = 0;
    let buffer = '';
    // An over-long line is being answered late (longLateMs): lines after it wait.
    let held = false;
    let hung = false;
    const deleted = new Set<number>();
    // While set (a late reply), the reply's lines are kept here, and a close waits for them.
    let kept: string[] | undefined;
    let endAfterKept = false;
    const send = (lines: readonly string[]) => sock.write(lines.map((l) => `${l}\r\n`).join(''));
    const w = (line: string) => (kept ? kept.push(line) : send([line]));
    const end = () => {
      if (kept) endAfterKept = true;
      else sock.end();
    };
    w(`+OK ${style.greeting ?? 'fake ready'}`);
    const badCommand = (text: string) => {
      bad++;
      if (bad < badLimit[state]) return w(`-ERR ${text}`);
      if (!style.badSilent) {
        if (!style.badReplace) w(`-ERR ${text}`);
        w('-ERR too many errors, bye');
      }
      end();
    };
    const good = (line: string) => {
      bad = 0;
      w(line);
    };
    const message = (arg: string | undefined) => {
      const n = /^\d+$/.test(arg ?? '') ? Number(arg) : 0;
      if (style.renumber) return MESSAGES.map((_, i) => i + 1).filter((m) => !deleted.has(m))[n - 1];
      return n >= 1 && n <= MESSAGES.length && !deleted.has(n) ? n : undefined;
    };
    const handle = (line: string) => {
      if (style.silentOn?.includes(line)) return;
      if (style.closeOn?.includes(line)) return end();
      const [word = '', ...args] = line.split(' ');
      const verb = word.toUpperCase();
      const unknown = () => badCommand(style.echoLine ? `unknown command ${line}` : 'unknown command');
      if (verb === 'CAPA' && !(state === 'T' && style.noCapaAfterLogin)) {
        good('+OK');
        for (const l of ['USER', 'UIDL', ...(style.noTop ? [] : ['TOP']), ...(style.capaExtra ?? [])]) w(l);
        return w('.');
      }
      if (verb === 'QUIT') {
        w('+OK bye');
        return end();
      }
      if (state === 'A') {
        if (verb === 'USER' && args.length === 1) {
          user = args[0];
          if (!style.userByName) return good('+OK');
          return good(user === 'alice' ? '+OK send PASS' : `+OK hello ${user}, send PASS`);
        }
        if (verb === 'PASS' && user !== undefined) {
          if (user === 'alice' && args.join(' ') === 'secret') {
            state = 'T';
            return good('+OK in');
          }
          if (user === style.closeOnWrongPassOf && args.length > 0) return end();
          user = undefined;
          return w(`-ERR ${style.passFailed ?? 'bad login'}`);
        }
        return unknown();
      }
      const live = MESSAGES.map((_, i) => i + 1).filter((n) => !deleted.has(n));
      const octets = live.reduce((sum, n) => sum + (MESSAGES[n - 1]?.length ?? 0), 0);
      const noSuch = () => badCommand(args[0] === '0' && style.listZero ? style.listZero : 'no such message');
      switch (verb) {
        case 'NOOP':
          return good('+OK');
        case 'STAT':
          return good(`+OK ${live.length} ${octets}`);
        case 'LIST':
        case 'UIDL': {
          const show = (n: number) => `${n} ${verb === 'LIST' ? MESSAGES[n - 1]?.length : `uid${n}`}`;
          if (args.length === 0) {
            good('+OK');
            for (const n of live) w(show(n));
            return w('.');
          }
          const n = message(args[0]);
          return n === undefined || args.length > 1 ? noSuch() : good(`+OK ${show(n)}`);
        }
        case 'RETR':
        case 'TOP': {
          const n = message(args[0]);
          if (verb === 'TOP' && style.noTop) return unknown();
          const count = args[1];
          const countTaken = count !== undefined && (style.topAtoi === true || /^\d+$/.test(count));
          if (n === undefined || (verb === 'TOP' && !countTaken)) return noSuch();
          const text = MESSAGES[n - 1] ?? '';
          good(`+OK ${text.length} octets`);
          sock.write(verb === 'TOP' ? `${text.split('\r\n\r\n')[0]}\r\n\r\n` : text);
          return w('.');
        }
        case 'DELE': {
          const n = message(args[0]);
          if (n === undefined) return noSuch();
          deleted.add(n);
          return good('+OK deleted');
        }
        case 'RSET':
          deleted.clear();
          return good('+OK');
        default:
          return unknown();
      }
    };
    const lines = () => {
      for (;;) {
        if (sock.destroyed || sock.writableEnded || held || hung) return;
        const i = buffer.indexOf('\r\n');
        if (i === -1) return;
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (line.length + 2 > maxLine[state]) {
          hung = style.hangAfterLong === true;
          if (style.longLateMs !== undefined) {
            held = true;
            setTimeout(() => {
              held = false;
              if (sock.destroyed) return;
              w('-ERR line too long');
              if (longClose[state]) end();
              else lines();
            }, style.longLateMs);
            return;
          }
          if (!style.longSilent) w('-ERR line too long');
          if (longClose[state]) return end();
          continue;
        }
        const nth = (seen.get(line) ?? 0) + 1;
        seen.set(line, nth);
        const late = style.late?.find(
          (l) =>
            l.line === line &&
            (l.nth === undefined || l.nth === nth) &&
            (l.afterBad === undefined || bad >= l.afterBad),
        );
        if (late === undefined) {
          handle(line);
          continue;
        }
        kept = [];
        handle(line);
        const reply = kept;
        kept = undefined;
        send(reply.slice(0, late.atOnce ?? 0));
        held = true;
        setTimeout(() => {
          held = false;
          if (sock.destroyed) return;
          send(reply.slice(late.atOnce ?? 0));
          if (endAfterKept) end();
          else lines();
        }, late.ms);
        return;
      }
    };
    sock.on('data', (data) => {
      buffer += data.toString('latin1');
      lines();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
