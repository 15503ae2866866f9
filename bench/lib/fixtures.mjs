// Messages for the benchmarks, generated (no files): small ones for sessions,
// and large ones with and without lines starting with '.'.
import { Pop3Conn } from './pop3-conn.mjs';

/** A small plain-text message of about `bytes` octets, CRLF line ends. */
export function smallMessage(n, bytes = 1024) {
  const head =
    `From: sender${n}@example.com\r\nTo: bench@example.com\r\nSubject: message ${n}\r\n` +
    `Message-ID: <${n}.bench@example.com>\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\n\r\n`;
  const line = `line of message ${n}: the quick brown fox jumps over the lazy dog\r\n`;
  let body = '';
  while (head.length + body.length + line.length <= bytes) body += line;
  return head + body;
}

export function smallMessages(count, bytes) {
  return Array.from({ length: count }, (_, i) => smallMessage(i + 1, bytes));
}

/**
 * A large message of about `bytes` octets: headers, then 76-octet lines.
 * With `dots`, every other line starts with '.' (and some are just '.'), so
 * RETR must stuff dots all the way through. Returns the raw message and its
 * dot-stuffed wire form (what RETR sends between the status line and the
 * terminator).
 */
export function bigMessage(bytes, dots) {
  const head = Buffer.from(
    `From: big@example.com\r\nTo: bench@example.com\r\nSubject: ${bytes} octets\r\n\r\n`,
  );
  const lines = [];
  for (let i = 0; i < 1024; i++) {
    let text = `${String(i).padStart(4, '0')} ${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2)}`;
    if (dots && i % 2 === 0) text = i % 64 === 0 ? '.' : `.${text.slice(1)}`;
    lines.push(`${text}\r\n`);
  }
  const block = Buffer.from(lines.join(''));
  const stuffedBlock = Buffer.from(lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join(''));
  const copies = Math.max(1, Math.round((bytes - head.length) / block.length));
  const raw = Buffer.allocUnsafe(head.length + copies * block.length);
  const stuffed = Buffer.allocUnsafe(head.length + copies * stuffedBlock.length);
  head.copy(raw, 0);
  head.copy(stuffed, 0);
  for (let i = 0; i < copies; i++) {
    block.copy(raw, head.length + i * block.length);
    stuffedBlock.copy(stuffed, head.length + i * stuffedBlock.length);
  }
  return { raw, stuffed };
}

/**
 * Runs `script` lock-step against a server and returns the exact reply bytes
 * (greeting first), so the floor can answer with the very bytes the mock sends.
 */
export async function captureReplies(port, script) {
  const conn = await Pop3Conn.open(port);
  try {
    const greeting = Buffer.from(await conn.expect(false));
    const replies = new Map();
    for (const s of script) replies.set(s.line, Buffer.from(await conn.command(s.line, s.multi)));
    return { greeting, replies };
  } finally {
    await conn.destroy();
  }
}
