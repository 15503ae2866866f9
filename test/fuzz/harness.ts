// Shared machinery of the fuzz properties: run budget and seeds, a watch on
// the real host process, a client that writes a byte stream in given pieces,
// and an independent model of how the server must answer a byte stream
// (RFC 1939 framing, §19 pipelining order, per-dialect line and bad-command
// limits), used to check every reply the server sent.
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import type { Dialect } from '../../src';
import { wireOf } from '../helpers/fixtures';

// ---------------------------------------------------------------------------
// Budget and seeds

/** `FUZZ_SCALE` multiplies every run count (`npm run fuzz` sets it); 1 in CI. */
export const SCALE = Math.max(0.01, Number(process.env.FUZZ_SCALE ?? 1) || 1);

/**
 * fast-check parameters: a fixed seed per property (or `FUZZ_SEED`), the run
 * count scaled, and a time limit under the jest timeout so a failure always
 * reaches the report with its seed and counterexample.
 */
export function fuzzParams(defaultSeed: number, runs: number): fc.Parameters<unknown> & { seed: number } {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : defaultSeed;
  return {
    seed,
    numRuns: Math.max(1, Math.round(runs * SCALE)),
    interruptAfterTimeLimit: jestTimeout(runs) - 5_000,
    markInterruptAsFailure: false,
  };
}

/** The jest timeout of a property with `runs` runs at the current scale. */
export function jestTimeout(runs: number): number {
  return 30_000 + Math.round(runs * SCALE * 60);
}

/** Runs a property; on failure the message starts with how to replay it. */
export async function check<T>(property: fc.IAsyncProperty<T>, params: ReturnType<typeof fuzzParams>) {
  try {
    await fc.assert(property, params);
  } catch (error) {
    const replay = `replay with FUZZ_SEED=${params.seed} (runs at scale ${SCALE})`;
    if (error instanceof Error) error.message = `${replay}\n${error.message}`;
    throw error;
  }
}

// ---------------------------------------------------------------------------
// The host process

export { watchHost } from '../helpers/host-errors';

// ---------------------------------------------------------------------------
// The client side

/** How the client ends after writing everything. */
export type Ending = 'fin' | 'rst' | 'destroy';

export interface Exchange {
  /** Every byte the server sent, greeting included. */
  output: Buffer;
}

/**
 * Connects, writes `input` cut into pieces of the given sizes (cycled; a
 * size of 0 means "the rest"), yielding to the event loop between pieces so
 * they leave as separate segments, then ends as asked and collects all the
 * server sent until the socket closes. Throws when the server has not closed
 * within `timeoutMs` of the client's end (a session that never ends).
 */
export async function converse(
  port: number,
  input: Buffer,
  pieces: readonly number[],
  ending: Ending,
  timeoutMs = 2_000,
): Promise<Exchange> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await writePieces(socket, input, pieces);
  if (ending === 'fin') socket.end();
  else if (ending === 'rst') socket.resetAndDestroy();
  else socket.destroy();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    socket.destroy();
    const got = Buffer.concat(chunks);
    throw new Error(
      `the server did not close the connection within ${timeoutMs} ms of the client's ${ending}; ` +
        `last output: ${JSON.stringify(got.subarray(-200).toString('latin1'))}`,
    );
  }
  return { output: Buffer.concat(chunks) };
}

/** Past this many writes the rest goes in one (keeps byte-at-a-time cuts of huge lines fast). */
const MAX_WRITES = 300;

async function writePieces(socket: Socket, input: Buffer, pieces: readonly number[]): Promise<void> {
  let at = 0;
  let i = 0;
  while (at < input.length && !socket.destroyed) {
    const size = pieces.length === 0 || i >= MAX_WRITES ? 0 : pieces[i++ % pieces.length]!;
    const end = size === 0 ? input.length : Math.min(input.length, at + size);
    const flushed = socket.write(input.subarray(at, end));
    at = end;
    if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

// ---------------------------------------------------------------------------
// Generators

export const USER = 'alice';
export const PASSWORD = 'secret';
export const OAUTH_TOKEN = 'ya29.token';

/** The seeded maildrop: dot lines, an empty body, 8-bit bytes, no final line break. */
export const MESSAGES: readonly Buffer[] = [
  Buffer.from('Subject: one\n\nfirst\n.\n..two dots\n.\r\n'),
  Buffer.from('Subject: empty\n\n'),
  Buffer.from('Subject: 8bit\r\n\r\ncaf\xe9 \x00\x01\xff\r\nbare\rcr\n', 'latin1'),
  Buffer.from('Subject: last\n\nno final line break'),
];

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Commands a client would send, right or wrong, in every state. */
const COMMANDS: readonly string[] = [
  `USER ${USER}`,
  `PASS ${PASSWORD}`,
  'PASS wrong',
  'USER nobody',
  'STAT',
  'LIST',
  'LIST 1',
  'LIST 9',
  'UIDL',
  'UIDL 2',
  'RETR 1',
  'RETR 3',
  'RETR 4',
  'TOP 1 0',
  'TOP 2 1',
  'TOP 4 99',
  'DELE 1',
  'DELE 2',
  'DELE 4',
  'RSET',
  'NOOP',
  'CAPA',
  'QUIT',
  'STLS',
  'UTF8',
  'LANG',
  'LAST',
  'AUTH',
  'AUTH PLAIN',
  `AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`,
  'AUTH PLAIN =',
  'AUTH LOGIN',
  `AUTH LOGIN ${b64(USER)}`,
  'AUTH CRAM-MD5',
  `AUTH XOAUTH2 ${b64(`user=${USER}\x01auth=Bearer ${OAUTH_TOKEN}\x01\x01`)}`,
  'AUTH OAUTHBEARER',
  'AUTH NOPE',
  b64(`\0${USER}\0${PASSWORD}`),
  b64(USER),
  b64(PASSWORD),
  `${USER} 0123456789abcdef0123456789abcdef`,
  '*',
  '=',
  'AQ==',
  'APOP alice 0123456789abcdef0123456789abcdef',
];

const VERBS = [...new Set(COMMANDS.map((c) => c.split(' ')[0]!.toUpperCase())), 'XTND', 'RETR', 'TOP'];

const argument = fc.oneof(
  fc.integer({ min: -2, max: 6 }).map(String),
  fc.constantFrom('0', '007', '+1', '1.0', '0x1', '1e3', '4294967297', '99999999999999999999', USER),
  fc.string({ maxLength: 12 }),
);

const builtCommand = fc
  .tuple(
    fc.constantFrom(...VERBS),
    fc.array(argument, { maxLength: 3 }),
    fc.constantFrom(' ', ' ', '  ', '\t'),
  )
  .map(([verb, args, sep]) => [verb, ...args].join(sep));

/** Small edits: case, a byte in, a byte out, a byte swapped for a control byte, a cut. */
function mutate(line: string, edits: readonly [number, number, number][]): Buffer {
  let bytes = Buffer.from(line, 'latin1');
  for (const [kind, where, value] of edits) {
    const at = bytes.length === 0 ? 0 : where % (bytes.length + 1);
    switch (kind % 6) {
      case 0:
        bytes = Buffer.from(bytes.toString('latin1').toLowerCase(), 'latin1');
        break;
      case 1:
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([value]), bytes.subarray(at)]);
        break;
      case 2:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        break;
      case 3:
        if (at < bytes.length) bytes[at] = [0x00, 0x0d, 0x0a, 0x7f, 0xff, 0x2e][value % 6]!;
        break;
      case 4:
        bytes = bytes.subarray(0, at);
        break;
      default:
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(' '), bytes.subarray(at)]);
    }
  }
  return bytes;
}

const mutated = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
  )
  .map(([line, edits]) => mutate(line, edits));

/** Tokens around the line limits (RFC 2449's 255, the dialects' 300 and 8192) and far past them. */
const huge = fc
  .tuple(
    fc.constantFrom('', 'USER ', 'AUTH PLAIN ', 'LIST ', 'X'),
    fc.constantFrom(253, 254, 296, 297, 298, 299, 8188, 8189, 8190, 8191, 9000, 70_000),
    fc.constantFrom('A', '1', '\0', ' ', '.'),
  )
  .map(([prefix, length, fill]) =>
    Buffer.from(prefix + fill.repeat(Math.max(0, length - prefix.length)), 'latin1'),
  );

/** One line's content: well-formed, built from verbs, mutated, binary, or huge. */
export const lineContent: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMANDS).map((c) => Buffer.from(c, 'latin1')) },
  { weight: 3, arbitrary: builtCommand.map((c) => Buffer.from(c, 'utf8')) },
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: huge },
);

const terminator = fc.oneof(
  { weight: 12, arbitrary: fc.constant('\r\n') },
  { weight: 2, arbitrary: fc.constant('\n') },
  { weight: 1, arbitrary: fc.constant('\r') },
  { weight: 1, arbitrary: fc.constant('') },
);

/** A whole client byte stream: lines with mostly-CRLF ends, sometimes a login first. */
export const clientStream: fc.Arbitrary<Buffer> = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(lineContent, terminator), { minLength: 1, maxLength: 14 }))
  .map(([loginFirst, lines]) =>
    Buffer.concat([
      Buffer.from(loginFirst ? `USER ${USER}\r\nPASS ${PASSWORD}\r\n` : ''),
      ...lines.map(([content, end]) => Buffer.concat([content, Buffer.from(end, 'latin1')])),
    ]),
  );

/** How the stream is cut: piece sizes (cycled), or one write, or one byte at a time. */
export const segmentation: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constant<number[]>([0]) },
  { weight: 1, arbitrary: fc.constant<number[]>([1]) },
);

// ---------------------------------------------------------------------------
// The model

/** A line as the server must see it: text, or notice that it passed the limit. */
export type ServerLine = { kind: 'line'; text: string } | { kind: 'too-long' };

/**
 * Splits a client byte stream the way RFC 1939 §3 frames commands: at LF
 * (CRLF or bare LF), with the dialect's limit on a line's length including
 * its end. A longer line is one `too-long`; an unterminated tail is never a
 * command, unless it is already past the limit.
 */
export function serverLines(input: Buffer, limit: number): ServerLine[] {
  const out: ServerLine[] = [];
  let start = 0;
  while (start < input.length) {
    const lf = input.indexOf(0x0a, start);
    if (lf === -1) {
      if (input.length - start > limit) out.push({ kind: 'too-long' });
      break;
    }
    const piece = input.subarray(start, lf + 1);
    start = lf + 1;
    if (piece.length > limit) {
      out.push({ kind: 'too-long' });
      continue;
    }
    const end = piece.length >= 2 && piece[piece.length - 2] === 0x0d ? piece.length - 2 : piece.length - 1;
    out.push({ kind: 'line', text: piece.subarray(0, end).toString('utf8') });
  }
  return out;
}

export interface ModelOptions {
  dialect: Dialect;
  /** STLS is offered (TLS configured). */
  tls: boolean;
  /** The conversation ended abruptly: the output may stop anywhere. */
  abrupt: boolean;
}

/** What the model concluded from a conversation. */
export interface Conclusion {
  /** Message numbers marked by DELE (and not RSET) when the session ended. */
  marks: Set<number>;
  /** How the server ended the session, when it did so itself. */
  closedBy: 'quit-authorization' | 'quit-update' | 'bad-commands' | 'long-line' | 'stls' | undefined;
  /** Lines answered, out of the lines the server received. */
  answered: number;
  lines: number;
  /** The output stopped inside a reply (abrupt endings only). */
  truncated: boolean;
}

const AUTHORIZATION_ONLY = new Set(['USER', 'PASS', 'APOP', 'AUTH', 'STLS']);
const TRANSACTION_ONLY = new Set(['STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'TOP', 'UIDL']);
/** Verbs the server offers here: STLS only with TLS; UTF8 and LANG are off by default. */
const OFFERED = new Set(['QUIT', 'CAPA', ...AUTHORIZATION_ONLY, ...TRANSACTION_ONLY]);
const MULTI_ALWAYS = new Set(['CAPA', 'RETR', 'TOP']);
const MULTI_WITHOUT_ARGS = new Set(['LIST', 'UIDL', 'LANG']);
const STATUS = /^(\+OK|-ERR)( [\x20-\x7e]*)?$/;
const CONTINUATION = /^\+ [A-Za-z0-9+/]*={0,2}$/;
const NOT_PRINTABLE = /[^\x20-\x7e]/;

class Cursor {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  /** The next CRLF line, or undefined when the output stops first. */
  line(): string | undefined {
    const end = this.bytes.indexOf('\r\n', this.at);
    if (end === -1) return undefined;
    const line = this.bytes.subarray(this.at, end).toString('latin1');
    this.at = end + 2;
    return line;
  }

  rest(): Buffer {
    return this.bytes.subarray(this.at);
  }
}

class Truncated extends Error {}

function statusText(ok: boolean, text: string): string {
  const status = ok ? '+OK' : '-ERR';
  return text === '' ? status : `${status} ${text}`;
}

/**
 * Walks the server's output reply by reply against the lines the client
 * sent, and throws on the first departure from the rules: a malformed status
 * line, an unterminated or badly stuffed multi-line reply, a reply too many
 * or too few, `+OK` to a line the server must refuse, a session the dialect
 * says must close that did not (or the reverse), plaintext after STLS.
 */
export function checkConversation(input: Buffer, output: Buffer, options: ModelOptions): Conclusion {
  const { dialect } = options;
  const texts = dialect.texts;
  const limit = dialect.maxLineLength.AUTHORIZATION;
  if (dialect.maxLineLength.TRANSACTION !== limit)
    throw new Error('the model needs one line limit for both states');
  const lines = serverLines(input, limit);
  const cursor = new Cursor(output);
  const result: Conclusion = {
    marks: new Set(),
    closedBy: undefined,
    answered: 0,
    lines: lines.length,
    truncated: false,
  };
  let state: 'AUTHORIZATION' | 'TRANSACTION' = 'AUTHORIZATION';
  let sasl = false;
  let bad = 0;

  const next = (): string => {
    const line = cursor.line();
    if (line === undefined) throw new Truncated();
    return line;
  };
  const fail = (message: string, i: number): never => {
    const shown =
      lines[i]?.kind === 'line'
        ? JSON.stringify((lines[i] as { text: string }).text.slice(0, 80))
        : 'an over-long line';
    throw new Error(`line ${i + 1} of ${lines.length} (${shown}): ${message}`);
  };
  /** Counts a bad command; true when the dialect's limit closed the session. */
  const countBad = (i: number): boolean => {
    bad++;
    const max = dialect.maxBadCommands[state];
    if (max === undefined || bad < max) return false;
    const notice = next();
    const expected = statusText(false, texts.tooManyBadCommands(state));
    if (notice !== expected)
      fail(`expected the bad-command notice ${JSON.stringify(expected)}, got ${JSON.stringify(notice)}`, i);
    result.closedBy = 'bad-commands';
    return true;
  };

  try {
    const greeting = next();
    if (!STATUS.test(greeting) || !greeting.startsWith('+OK'))
      throw new Error(`bad greeting ${JSON.stringify(greeting)}`);
    for (const [i, line] of lines.entries()) {
      if (cursor.done) break;
      const status = next();
      result.answered++;
      if (Buffer.byteLength(status) + 2 > 512) fail(`status line over 512 octets (${status.length + 2})`, i);
      const continuation = CONTINUATION.test(status);
      if (!continuation && !STATUS.test(status))
        fail(`malformed status line ${JSON.stringify(status.slice(0, 80))}`, i);
      const ok = status.startsWith('+OK');

      if (line.kind === 'too-long') {
        const expected = statusText(false, texts.lineTooLong(state));
        if (status !== expected)
          fail(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(status)}`, i);
        // A -ERR ends a SASL exchange (RFC 5034 §4): the next line is a command again.
        sasl = false;
        if (dialect.closeOnLongLine) {
          result.closedBy = 'long-line';
          break;
        }
        if (countBad(i)) break;
        continue;
      }

      const raw = line.text;
      if (sasl) {
        // A client response inside AUTH: never counted, never multi-line.
        sasl = continuation;
        if (ok) state = 'TRANSACTION';
        continue;
      }

      const space = raw.indexOf(' ');
      const verb = (space === -1 ? raw : raw.slice(0, space)).toUpperCase();
      const args = (space === -1 ? '' : raw.slice(space + 1)).split(' ').filter((a) => a !== '');
      const offered = OFFERED.has(verb) && (verb !== 'STLS' || options.tls);
      const wrongState =
        (state === 'AUTHORIZATION' && TRANSACTION_ONLY.has(verb)) ||
        (state === 'TRANSACTION' && AUTHORIZATION_ONLY.has(verb));
      const refused = NOT_PRINTABLE.test(raw) || !offered || wrongState;

      if (continuation) {
        if (verb !== 'AUTH' || refused) fail(`a SASL challenge to a line that is not a valid AUTH`, i);
        sasl = true;
        bad = 0;
        continue;
      }
      if (refused && ok) fail(`+OK to a line the server must refuse (${status})`, i);

      if (ok) {
        bad = 0;
        const multi =
          MULTI_ALWAYS.has(verb) ||
          (MULTI_WITHOUT_ARGS.has(verb) && args.length === 0) ||
          (verb === 'AUTH' && args.length === 0 && dialect.authListsMechanisms);
        if (multi) {
          const data = readMultiLine(next, (m) => fail(m, i));
          if (verb === 'RETR') {
            const n = Number(args[0]);
            const expected = wireOf(MESSAGES[n - 1] ?? Buffer.alloc(0));
            if (!data.equals(expected)) fail(`RETR ${args[0]} data differs from message ${n}`, i);
          }
        }
        if (state === 'AUTHORIZATION' && (verb === 'PASS' || verb === 'APOP' || verb === 'AUTH'))
          state = 'TRANSACTION';
        if (verb === 'DELE') result.marks.add(Number(args[0]));
        if (verb === 'RSET') result.marks.clear();
        if (verb === 'STLS') {
          result.closedBy = 'stls';
          // RFC 2595 §4: nothing in plaintext after the +OK; what follows is TLS (an alert, 0x15).
          const rest = cursor.rest();
          if (rest.length > 0 && rest[0] !== 0x15 && rest[0] !== 0x16) {
            fail(`plaintext after STLS +OK: ${JSON.stringify(rest.subarray(0, 60).toString('latin1'))}`, i);
          }
          cursor.at = output.length;
          break;
        }
        if (verb === 'QUIT') {
          result.closedBy = state === 'TRANSACTION' ? 'quit-update' : 'quit-authorization';
          break;
        }
        continue;
      }

      // -ERR. Before login only refused lines count (unknown, wrong state,
      // bad characters); after it, every -ERR does (see Dialect.maxBadCommands).
      if (state === 'TRANSACTION' || refused) {
        if (countBad(i)) break;
      }
    }
  } catch (error) {
    if (!(error instanceof Truncated)) throw error;
    if (!options.abrupt)
      throw new Error(
        `the output stops inside a reply: ...${JSON.stringify(output.subarray(-120).toString('latin1'))}`,
      );
    result.truncated = true;
    return result;
  }

  if (!cursor.done) {
    throw new Error(
      `unexpected output after the last reply (${result.closedBy ?? 'open'}): ` +
        JSON.stringify(cursor.rest().subarray(0, 120).toString('latin1')),
    );
  }
  if (!options.abrupt && result.closedBy === undefined && result.answered !== lines.length) {
    throw new Error(`${lines.length} lines sent before FIN, ${result.answered} answered`);
  }
  return result;
}

/** Reads data lines up to `.`: every line ends in CRLF, every leading '.' is stuffed. Returns the unstuffed data. */
function readMultiLine(next: () => string, fail: (message: string) => never): Buffer {
  const parts: Buffer[] = [];
  for (;;) {
    const line = next();
    if (line === '.') return Buffer.concat(parts);
    if (line.startsWith('.') && !line.startsWith('..'))
      fail(`unstuffed data line ${JSON.stringify(line.slice(0, 40))}`);
    parts.push(Buffer.from(`${line.startsWith('.') ? line.slice(1) : line}\r\n`, 'latin1'));
  }
}

/** The uids a mailbox should still hold: all, or all but those removed by the marks. */
export function expectedRemaining(uids: readonly string[], marks: ReadonlySet<number>): string[] {
  return uids.filter((_, i) => !marks.has(i + 1));
}
