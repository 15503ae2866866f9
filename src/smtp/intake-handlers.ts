import type {
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerOptions,
  SMTPServerSession,
} from 'smtp-server';
import { asSentWithoutUtf8, withLowerCaseDomain } from '../server/mail-address';
import { mailDate } from './mail-date';
import type { SmtpTarget } from './smtp-target';
import { traceHeaders } from './trace-headers';

/** What the handlers need besides the target: the intake's settings, checked. */
export interface HandlerSettings {
  /** This server's name, for `Received: by`. */
  hostname: string;
  /** The server's clock (the `clock` option): a fake one gives a stable `Received:` date. */
  now(): number;
  traceHeaders: boolean;
  createUsers: boolean;
}

type Handlers = Required<Pick<SMTPServerOptions, 'onAuth' | 'onRcptTo' | 'onData'>>;

/** An error smtp-server sends with this reply code. */
function replyError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The intake's SMTP decisions, shared by the plain and the implicit-TLS
 * listener: AUTH against the POP3 passwords, recipients by mailbox (550 for
 * none, unless users are created on delivery), and delivery with trace headers.
 */
export function intakeHandlers(target: SmtpTarget, settings: HandlerSettings): Handlers {
  // A user being created, by address: two messages for a new address at once must
  // land in one mailbox, not in two where the second replaces the first.
  const creating = new Map<string, Promise<string>>();
  // The recipients accepted in each transaction (its envelope), as sent: smtp-server's list keeps one of
  // Bob@example.com and bob@example.com (it compares in any case), which may be two users here.
  const accepted = new WeakMap<SMTPServerSession['envelope'], string[]>();
  /** The recipient's user; with createUsers, made if there is none; undefined when there is none (any more). */
  const userFor = (address: string): Promise<string | undefined> | string | undefined => {
    const known = target.userFor(address);
    if (known !== undefined || !settings.createUsers) return known;
    // Domains are case-insensitive (RFC 5321 §2.4): one user for carol@Example.COM and carol@example.com.
    const name = withLowerCaseDomain(address);
    let pending = creating.get(name);
    if (!pending) {
      pending = target.createUser(name).finally(() => creating.delete(name));
      creating.set(name, pending);
    }
    return pending;
  };

  return {
    onAuth(
      auth: SMTPServerAuthentication,
      _session: SMTPServerSession,
      callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
    ) {
      // The login name as POP3's USER takes it: a user's name, never resolved as a recipient address
      // (alice@any.domain is no name of alice's: POP3 refuses it, so must SMTP).
      const user =
        auth.username !== undefined && target.userFor(auth.username) === auth.username
          ? auth.username
          : undefined;
      const password = auth.password;
      // As POP3's PLAIN: acting for another identity is not supported (authzid empty or the user itself).
      const actingForAnother =
        auth.authzid !== undefined && auth.authzid !== '' && auth.authzid !== auth.username;
      if (
        user !== undefined &&
        !actingForAnother &&
        typeof password === 'string' &&
        target.passwordMatches(user, password)
      ) {
        callback(null, { user });
        return;
      }
      // No user in the answer: smtp-server replies 535 (RFC 4954 §6).
      callback(null, {});
    },

    onRcptTo(address, session, callback) {
      const recipient = asSent(address.address, session);
      if (!settings.createUsers && target.userFor(recipient) === undefined) {
        return callback(replyError(550, `no mailbox for ${recipient}`));
      }
      const list = accepted.get(session.envelope);
      if (list) list.push(recipient);
      else accepted.set(session.envelope, [recipient]);
      callback();
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      // Past `size` the message is refused (552): what is still read is not kept.
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        // Over `size`: smtp-server answers 552 itself (rejectOversized); nothing is stored.
        if (stream.sizeExceeded) return callback();
        deliver(Buffer.concat(chunks), session).then(
          (missing) =>
            callback(
              missing.length === 0
                ? null
                : // The user left between RCPT and the end of the data: nothing is stored, and a retry gets its 550 at RCPT.
                  replyError(451, `no mailbox for ${missing.join(', ')} any more: nothing was delivered`),
            ),
          (error: unknown) => {
            // Not the client's doing: the test must see it, not only the client.
            console.error('[pop3-mock] SMTP delivery failed:', error);
            callback(
              replyError(451, `delivery failed: ${error instanceof Error ? error.message : String(error)}`),
            );
          },
        );
      });
    },
  };

  /** Delivers to every recipient's mailbox or to none; resolves with the recipients that have none (any more). */
  async function deliver(message: Buffer, session: SMTPServerSession): Promise<string[]> {
    const date = mailDate(settings.now());
    // One copy per mailbox, however many of its addresses were named; each says whom it is for.
    const recipients = new Map<string, string>();
    const missing: string[] = [];
    for (const address of accepted.get(session.envelope) ?? []) {
      const user = await userFor(address);
      if (user === undefined) missing.push(address);
      else if (!recipients.has(user)) recipients.set(user, address);
    }
    if (missing.length > 0) return missing;
    const gone = await target.deliverAll(
      [...recipients].map(([user, recipient]) => {
        if (!settings.traceHeaders) return { user, message };
        const trace = traceHeaders({
          sender: session.envelope.mailFrom ? asSent(session.envelope.mailFrom.address, session) : '',
          recipient,
          helo: session.hostNameAppearsAs,
          remoteAddress: session.remoteAddress,
          protocol: protocolOf(session),
          tls: session.tlsOptions
            ? { version: session.tlsOptions.version, cipher: session.tlsOptions.name }
            : undefined,
          by: settings.hostname,
          date,
          utf8: session.envelope.smtpUtf8 === true,
        });
        return { user, message: Buffer.concat([trace, message]) };
      }),
    );
    // Users that went between the check above and the delivery, named by their addresses as above.
    return gone.map((user) => recipients.get(user) ?? user);
  }
}

/** An address as the client sent it (smtp-server gives an `xn--` domain in Unicode). */
function asSent(address: string, session: SMTPServerSession): string {
  return session.envelope.smtpUtf8 === true ? address : asSentWithoutUtf8(address);
}

/**
 * The `with` keyword of RFC 3848: `SMTP` after HELO, `ESMTP` after EHLO, S
 * for TLS, A for AUTH. The registry has no S or A form of `SMTP` (TLS and
 * AUTH are ESMTP's), so a HELO session that used them is written `ESMTPS`,
 * `ESMTPA` or `ESMTPSA`, never an unregistered `SMTPA`. Worked out here
 * rather than read from smtp-server's session, which computes it once per
 * transaction reset, before a later AUTH. `user` is false or unset until
 * AUTH succeeds.
 */
function protocolOf(session: SMTPServerSession): string {
  const suffix = `${session.secure ? 'S' : ''}${session.user ? 'A' : ''}`;
  return session.openingCommand === 'EHLO' || suffix !== '' ? `ESMTP${suffix}` : 'SMTP';
}
