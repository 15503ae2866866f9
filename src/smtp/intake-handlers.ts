import type {
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerOptions,
  SMTPServerSession,
} from 'smtp-server';
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
  const userFor = (address: string): Promise<string> => {
    const known = target.userFor(address);
    if (known !== undefined) return Promise.resolve(known);
    let pending = creating.get(address);
    if (!pending) {
      pending = target.createUser(address).finally(() => creating.delete(address));
      creating.set(address, pending);
    }
    return pending;
  };

  return {
    onAuth(
      auth: SMTPServerAuthentication,
      _session: SMTPServerSession,
      callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
    ) {
      const user = auth.username === undefined ? undefined : target.userFor(auth.username);
      const password = auth.password;
      if (user !== undefined && typeof password === 'string' && target.passwordMatches(user, password)) {
        callback(null, { user });
        return;
      }
      // No user in the answer: smtp-server replies 535 (RFC 4954 §6).
      callback(null, {});
    },

    onRcptTo(address, _session, callback) {
      if (settings.createUsers || target.userFor(address.address) !== undefined) return callback();
      callback(replyError(550, `no mailbox for ${address.address}`));
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // Over `size`: smtp-server answers 552 itself (rejectOversized); nothing is stored.
        if (stream.sizeExceeded) return callback();
        deliver(Buffer.concat(chunks), session).then(
          () => callback(),
          (error: Error) => callback(replyError(451, `delivery failed: ${error.message}`)),
        );
      });
    },
  };

  async function deliver(message: Buffer, session: SMTPServerSession): Promise<void> {
    const date = mailDate(settings.now());
    // One copy per mailbox, however many of its addresses were named; each says whom it is for.
    const recipients = new Map<string, string>();
    for (const { address } of session.envelope.rcptTo) {
      const user = await userFor(address);
      if (!recipients.has(user)) recipients.set(user, address);
    }
    await Promise.all(
      [...recipients].map(([user, recipient]) => {
        if (!settings.traceHeaders) return target.deliverRaw(user, message);
        const trace = traceHeaders({
          sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipient,
          helo: session.hostNameAppearsAs,
          remoteAddress: session.remoteAddress,
          protocol: protocolOf(session),
          tls: session.tlsOptions
            ? { version: session.tlsOptions.version, cipher: session.tlsOptions.name }
            : undefined,
          by: settings.hostname,
          date,
        });
        return target.deliverRaw(user, Buffer.concat([trace, message]));
      }),
    );
  }
}

/**
 * RFC 3848's "with" keyword: ESMTP, plus S under TLS and A after AUTH.
 * Worked out here rather than read from smtp-server's session, which
 * computes it once per transaction reset, before a later AUTH. `user` is
 * false or unset until AUTH succeeds.
 */
function protocolOf(session: SMTPServerSession): string {
  const base = session.openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP';
  return `${base}${session.secure ? 'S' : ''}${session.user ? 'A' : ''}`;
}
