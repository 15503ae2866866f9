import { RawClient } from '../../helpers/raw-client';

/**
 * One step of a conversation: a command line, or one made from the greeting
 * (APOP needs its timestamp).
 */
export type Step = string | ((greeting: string) => string);

/** Conversations, each on a fresh connection, dropped after its last step (committing nothing but a QUIT). */
export type Conversations = readonly (readonly Step[])[];

/** A reply neither server gives within this is recorded as `<no reply>` and ends the conversation. */
const REPLY_TIMEOUT_MS = 5000;

/**
 * Whether a `+OK` to `line` opens a multi-line reply, the way a POP3 server
 * splits a line: the verb up to the first space, the arguments separated by
 * spaces (so `LIST ` with a trailing space is a bare LIST).
 */
export function isMultiLine(line: string): boolean {
  const space = line.indexOf(' ');
  const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  const bare = space === -1 || line.slice(space + 1).trim() === '';
  if (verb === 'RETR' || verb === 'TOP' || verb === 'CAPA') return true;
  // A bare AUTH lists the mechanisms on servers that answer it with +OK (RFC 5034 leaves it open).
  return (verb === 'LIST' || verb === 'UIDL' || verb === 'AUTH') && bare;
}

/** A line as the transcript shows it: control characters visible, APOP digests hidden. */
const shown = (line: string) =>
  line
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/^APOP (\S+) \S{32}$/, 'APOP $1 <digest>');

async function reply(client: RawClient, line: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('<no reply>'), REPLY_TIMEOUT_MS);
  });
  const answered = (async () => {
    if (!isMultiLine(line)) return client.command(line);
    const r = await client.multi(line);
    return [r.status, ...r.lines].join(' | ');
  })().catch(() => '<closed>');
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the conversations from `first` up to `end` against `port` and returns one line per command:
 * `#i sent => reply | body...`, `i` counted in the whole list (a run in two parts reads as one).
 */
export async function converse(
  port: number,
  conversations: Conversations,
  first = 0,
  end = conversations.length,
): Promise<string[]> {
  const out: string[] = [];
  for (let i = first; i < end; i++) {
    const steps = conversations[i] ?? [];
    const client = await RawClient.connect(port);
    out.push(`#${i} greeting => ${client.greeting}`);
    for (const step of steps) {
      const line = typeof step === 'string' ? step : step(client.greeting);
      const answer = await reply(client, line);
      out.push(`#${i} ${shown(line)} => ${answer}`);
      if (answer === '<closed>' || answer === '<no reply>') break;
    }
    client.destroy();
  }
  return out;
}

/**
 * {@link converse} with up to `lanes` conversations at a time, each still on a connection of its
 * own, the lines in conversation order. Only for conversations that commit nothing: what
 * Dovecot still holds in its failure queue (up to 0.5 s; see helpers/dovecot.ts), conversations
 * can share. Dovecot takes at most 10 logged-in sessions of a user from one address
 * (mail_max_userip_connections): keep `lanes` well below.
 */
export async function converseConcurrently(
  port: number,
  conversations: Conversations,
  first: number,
  end: number,
  lanes = 4,
): Promise<string[]> {
  const lines: string[][] = [];
  let next = first;
  const lane = async () => {
    for (let i = next++; i < end; i = next++) {
      lines[i - first] = await converse(port, conversations, i, i + 1);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return lines.flat();
}

/** The lines with what may differ between two servers of one dialect made equal: APOP timestamps and UIDs. */
export function comparableLines(lines: readonly string[]): string[] {
  return lines.map((line) => {
    const masked = line.replace(/<[^<>\s@]+@[^<>\s]+>/g, '<timestamp>');
    if (!/^#\d+ uidl\b/i.test(masked)) return masked;
    // `+OK n uid` and listing lines `n uid`.
    return masked.replace(/(\+OK \d+|\| \d+) \S+/g, '$1 <uid>');
  });
}

/** One turn of {@link converseInTurns}: session `session` (0, 1, ...) sends `steps`. */
export interface Turn {
  readonly session: number;
  readonly steps: readonly Step[];
}

/**
 * Sessions of their own taking turns on `port` (a session connects at its
 * first turn), for what one session sees of another's (`#i` is the session):
 * one line per command as {@link converse} gives them, then, once every turn
 * ran, each session's client ends its side and `#i <end> => ...` shows what
 * the server still wrote before it closed, if anything.
 */
export async function converseInTurns(port: number, turns: readonly Turn[]): Promise<string[]> {
  const clients = new Map<number, RawClient>();
  const out: string[] = [];
  try {
    for (const { session, steps } of turns) {
      let client = clients.get(session);
      if (client === undefined) {
        client = await RawClient.connect(port);
        clients.set(session, client);
        out.push(`#${session} greeting => ${client.greeting}`);
      }
      for (const step of steps) {
        const line = typeof step === 'string' ? step : step(client.greeting);
        const answer = await reply(client, line);
        out.push(`#${session} ${shown(line)} => ${answer}`);
        if (answer === '<closed>' || answer === '<no reply>') break;
      }
    }
    for (const [session, client] of clients) {
      client.end();
      const rest = (await client.readToEnd()).toString('latin1');
      if (rest !== '')
        out.push(`#${session} <end> => ${rest.replace(/\r\n$/, '').split('\r\n').join(' | ')}`);
    }
  } finally {
    for (const client of clients.values()) client.destroy();
  }
  return out;
}
