import type { Maildrop } from '../mailbox/maildrop';
import { stuffedBody } from '../protocol/dot-stuffing';
import { parseDecimal } from '../protocol/message-number';
import { topOf } from '../protocol/message-top';
import { lines, ok, type Reply } from '../protocol/reply';
import type { FaultAction } from './rule';

/** How the reply writer should send a reply a bug mode has touched. */
export interface BugWrite {
  reply: Reply;
  stuff: boolean;
}

/** What a bug mode needs to know of the command it bends. */
export interface BugContext {
  verb: string;
  args: readonly string[];
  maildrop: Maildrop | undefined;
  sessionId: number;
}

/**
 * Server-bug modes of checklist §27: the command ran as usual, and its reply
 * is bent the way a buggy server bends it. Replies a mode does not concern
 * pass unchanged.
 */
export function applyBug(action: FaultAction, reply: Reply, ctx: BugContext): BugWrite {
  const plain = { reply, stuff: true };
  switch (action.type) {
    case 'no-dot-stuffing':
      return { reply, stuff: false };
    case 'bare-lf':
      return reply.kind === 'message' ? { ...plain, reply: { ...reply, body: crlfToLf(reply.body) } } : plain;
    case 'size-skew':
      return { ...plain, reply: skewSizes(reply, ctx.verb, action.octets) };
    case 'uidl':
      return { ...plain, reply: bendUids(reply, action.mode, ctx.sessionId) };
    case 'top-ignores-count':
      return { ...plain, reply: topIgnoringCount(reply, ctx, action.sends) };
    case 'renumber-after-dele':
      return { ...plain, reply: renumbered(reply, ctx) };
    default:
      return plain;
  }
}

function crlfToLf(body: Buffer): Buffer {
  return Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

function skewSizes(reply: Reply, verb: string, octets: number): Reply {
  if (reply.kind === 'lines' && verb === 'LIST') {
    return {
      ...reply,
      lines: reply.lines.map((l) => l.replace(/^(\d+) (\d+)$/, (_, n, s) => `${n} ${Number(s) + octets}`)),
    };
  }
  if (reply.kind !== 'status' || !reply.ok) return reply;
  const match = /^(\d+) (\d+)$/.exec(reply.text);
  if (!match) return reply;
  const [, first, size] = match as unknown as [string, string, string];
  const skew = verb === 'STAT' ? octets * Number(first) : octets;
  return ok(`${first} ${Number(size) + skew}`);
}

function bendUid(
  uid: string,
  mode: 'duplicate' | 'changing' | 'space' | 'too-long',
  sessionId: number,
): string {
  switch (mode) {
    case 'changing':
      return `${uid}-s${sessionId}`;
    case 'space':
      return `${uid.slice(0, 4)} ${uid.slice(4)}`;
    case 'too-long':
      return uid.padEnd(80, 'x');
    case 'duplicate':
      return uid;
  }
}

function bendUids(
  reply: Reply,
  mode: 'duplicate' | 'changing' | 'space' | 'too-long',
  sessionId: number,
): Reply {
  if (reply.kind === 'lines') {
    const firstUid = /^\d+ (.*)$/.exec(reply.lines[0] ?? '')?.[1];
    return {
      ...reply,
      lines: reply.lines.map((line, i) => {
        const [n, uid] = line.split(' ', 2) as [string, string];
        // duplicate: the second message reports the first one's uid.
        if (mode === 'duplicate') return i === 1 && firstUid ? `${n} ${firstUid}` : line;
        return `${n} ${bendUid(uid, mode, sessionId)}`;
      }),
    };
  }
  if (reply.kind !== 'status' || !reply.ok || mode === 'duplicate') return reply;
  const [n, uid] = reply.text.split(' ', 2) as [string, string | undefined];
  return uid === undefined ? reply : ok(`${n} ${bendUid(uid, mode, sessionId)}`);
}

function topIgnoringCount(reply: Reply, ctx: BugContext, sends: 'all' | 'headers'): Reply {
  if (reply.kind !== 'message' || ctx.verb !== 'TOP' || !ctx.maildrop) return reply;
  const message = ctx.maildrop.at(parseDecimal(ctx.args[0] ?? '') ?? 0);
  if (!message) return reply;
  return { ...reply, body: sends === 'all' ? message.wire : topOf(message, 0) };
}

function renumbered(reply: Reply, ctx: BugContext): Reply {
  const maildrop = ctx.maildrop;
  if (!maildrop || (ctx.verb !== 'LIST' && ctx.verb !== 'UIDL')) return reply;
  const value = (m: { size: number; uid: string }) => (ctx.verb === 'LIST' ? String(m.size) : m.uid);
  if (ctx.args.length === 0) {
    if (reply.kind !== 'lines') return reply;
    return lines(
      reply.text,
      maildrop.live().map(({ message }, i) => `${i + 1} ${value(message)}`),
    );
  }
  // `LIST n` / `UIDL n` without the deletion check.
  const number = parseDecimal(ctx.args[0]!) ?? 0;
  const message = maildrop.at(number);
  return message ? ok(`${number} ${value(message)}`) : reply;
}

/**
 * Whether a bug mode's write differs from the normal one on the wire: a rule
 * is counted (and `once()` spent) only on a reply it really changes, such as
 * `noDotStuffing()` on a message with a line that starts with `.`.
 */
export function bends(normal: Reply, bent: BugWrite): boolean {
  const after = bent.reply;
  if (!bent.stuff && after.kind === 'message' && stuffedBody(after.body) !== after.body) return true;
  return !sameReply(normal, after);
}

function sameReply(a: Reply, b: Reply): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'status':
      return b.kind === 'status' && b.ok === a.ok && b.text === a.text;
    case 'lines':
      return b.kind === 'lines' && b.text === a.text && sameLines(a.lines, b.lines);
    case 'message':
      return b.kind === 'message' && b.text === a.text && b.body.equals(a.body);
    case 'raw':
      return b.kind === 'raw' && sameLines(a.lines, b.lines);
    case 'continue':
      return b.kind === 'continue' && b.base64 === a.base64;
  }
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
