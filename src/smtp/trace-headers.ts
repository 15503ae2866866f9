import { isIPv6 } from 'node:net';

/** What a delivery's trace headers say: who sent, from where, how, to whom, when. */
export interface TraceFacts {
  /** The envelope sender (MAIL FROM), `''` for the null sender. */
  sender: string;
  /** The recipient this copy is for (RCPT TO). */
  recipient: string;
  /** The name the client gave in EHLO/HELO. */
  helo: string;
  /** The client's IP address. */
  remoteAddress: string;
  /** `ESMTP`, `ESMTPS`, `ESMTPA`, `ESMTPSA` (RFC 3848): S for TLS, A for AUTH. */
  protocol: string;
  /** The TLS version and cipher, when the message came over TLS. */
  tls: { version: string; cipher: string } | undefined;
  /** This server's name. */
  by: string;
  /** When it was received, as RFC 5322 writes a date. */
  date: string;
  /** MAIL FROM had SMTPUTF8 (RFC 6531): addresses may hold UTF-8, and the protocol says so. */
  utf8: boolean;
}

/**
 * The lines a final delivery puts in front of a message (RFC 5321 §4.4):
 * `Return-Path:` with the envelope sender, then `Received:` with the
 * client's EHLO name and address, the protocol (TLS state in its S, the
 * cipher in a comment, as Postfix writes it), the recipient and the time.
 * No `id`: smtp-server's session ids are random, and a test with a fake
 * clock should get the same header every run.
 */
export function traceHeaders(facts: TraceFacts): Buffer {
  const tls = facts.tls ? ` (using ${facts.tls.version} with cipher ${facts.tls.cipher})` : '';
  // Only an SMTPUTF8 transaction's addresses may be UTF-8 (RFC 6532); the EHLO name never is.
  const address = facts.utf8 ? printableUtf8 : printableAscii;
  const lines = [
    `Return-Path: <${address(facts.sender)}>`,
    `Received: from ${printableAscii(facts.helo)} (${addressLiteral(facts.remoteAddress)})`,
    `\tby ${facts.by} (pop3-mock) with ${withKeyword(facts)}${tls}`,
    `\tfor <${address(facts.recipient)}>; ${facts.date}`,
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

/** RFC 6531 §4.3: a message sent with SMTPUTF8 is received `with UTF8SMTP` (S, A as in RFC 3848). */
function withKeyword(facts: TraceFacts): string {
  return facts.utf8 ? facts.protocol.replace(/^E?SMTP/, 'UTF8SMTP') : facts.protocol;
}

/** RFC 5321 §4.1.3 address literals: `[192.0.2.1]`, `[IPv6:2001:db8::1]`; a v4-mapped v6 address as v4. */
function addressLiteral(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (v4 !== undefined) return `[${v4}]`;
  return isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
}

// What the client chose to say goes into a header: no controls and no spaces,
// so it cannot break the header; anything else not allowed there becomes '?'.

/** Visible ASCII only. */
function printableAscii(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, '?');
}

/** Visible ASCII and UTF-8 beyond it (an SMTPUTF8 address). */
function printableUtf8(text: string): string {
  return text.replace(/[\x00-\x20\x7f-\x9f]/g, '?');
}
